import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { IsEd25519PrivateKey } from './signing-key';

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterKind = (typeof HTTP_ADAPTERS)[number];

export const STORE_KINDS = ['sqlite', 'memory', 'postgres', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** How `+tag` in an email's local part counts: dropped (one account) or kept (another account). */
export const EMAIL_SUBADDRESS_POLICIES = ['strip', 'keep'] as const;
export type EmailSubaddressPolicy = (typeof EMAIL_SUBADDRESS_POLICIES)[number];

/** Where dots in an email's local part are ignored: Gmail's domains only, every domain, or nowhere. */
export const EMAIL_DOTS_POLICIES = ['gmail', 'all', 'keep'] as const;
export type EmailDotsPolicy = (typeof EMAIL_DOTS_POLICIES)[number];

/**
 * What `STORE=redis` demands of Redis's persistence at start-up: `require` sells only on a durable
 * Redis (`appendonly yes`, `appendfsync always`); `accept-loss` sells on any, the operator having
 * accepted that a Redis crash may lose recently confirmed orders and sell their units again.
 */
export const REDIS_DURABILITY_MODES = ['require', 'accept-loss'] as const;
export type RedisDurabilityMode = (typeof REDIS_DURABILITY_MODES)[number];

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/**
 * Every setting the API reads, validated once at boot. Environment values are strings; numeric
 * ones are converted only when they are plain integers so `PORT=80a` is refused, not truncated.
 */
export class ApiEnvironment {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 8080;

  /** Unset: listen on every interface (IPv4 and IPv6). */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST?: string;

  @IsIn(STORE_KINDS)
  STORE: StoreKind = 'sqlite';

  /** HTTP platform under Nest; both serve the same contract. */
  @IsIn(HTTP_ADAPTERS)
  HTTP_ADAPTER: HttpAdapterKind = 'express';

  @IsString()
  @MinLength(1)
  SQLITE_PATH = './data/drop.sqlite';

  /** PostgreSQL connection string; required by the `postgres` and `redis` stores. */
  @ValidateIf(
    (env: ApiEnvironment) =>
      env.STORE === 'postgres' || env.STORE === 'redis' || env.DATABASE_URL !== undefined,
  )
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  /** Connections per API process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  /** Redis connection string (a `/N` path picks the database index); required by the `redis` store. */
  @ValidateIf((env: ApiEnvironment) => env.STORE === 'redis' || env.REDIS_URL !== undefined)
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must be a redis:// connection string' })
  REDIS_URL?: string;

  /** Namespace of every Redis key, so several drops can share one Redis. */
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'REDIS_PREFIX must be 1–64 letters, digits or _.:-' })
  REDIS_PREFIX = 'gtd:';

  /** Order events a crashed worker held are taken over by another after this long. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  REDIS_CLAIM_IDLE_MS = 10_000;

  /** Refuse to start on a Redis that can lose confirmed orders (`require`), or accept the risk. */
  @IsIn(REDIS_DURABILITY_MODES)
  REDIS_DURABILITY: RedisDurabilityMode = 'require';

  /** API processes sharing the port (node:cluster); a dead one is replaced. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WORKERS = 1;

  /** Catalogue for a fresh store; unset means the one shipped with the app. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  CATALOG?: string;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  MAX_QUANTITY_PER_PURCHASE = 10;

  /** How long SIGTERM waits for in-flight requests before cutting connections. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /**
   * Bearer token of the operator API (`/admin`). Unset: the operator API is disabled (403
   * ADMIN_DISABLED), never open. At least 16 characters so it cannot be guessed by hand.
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  ADMIN_TOKEN?: string;

  /**
   * Which proxies in front of the API to believe about the client address (X-Forwarded-For): unset
   * or `false` none (the socket's address is the client), `true` all, a hop count (`1`: the nearest
   * load balancer), or a comma-separated list of addresses / CIDRs / `loopback`, `linklocal`,
   * `uniquelocal`. The rate limit per anonymous buyer and the audit log's actor use this address.
   */
  @IsOptional()
  @Matches(/^(true|false|\d{1,2}|[0-9A-Za-z.:/]+( *, *[0-9A-Za-z.:/]+)*)$/, {
    message: 'TRUST_PROXY must be true, false, a hop count, or a comma-separated list of addresses/CIDRs',
  })
  TRUST_PROXY?: string;

  /**
   * Bearer token Prometheus sends to `GET /metrics` (sales figures). Unset: /metrics answers anyone
   * who reaches it, so keep it behind the edge.
   */
  @IsOptional()
  @IsString()
  @MinLength(16)
  METRICS_TOKEN?: string;

  /**
   * HMAC secret signing buyers' JWTs. Unset: a random secret per start (tokens die with a restart;
   * with WORKERS > 1 the primary hands its one secret to every worker). Several hosts must share one.
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  JWT_SECRET?: string;

  /** Lifetime of a buyer's token, in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(60)
  @Max(30 * 24 * 3600)
  JWT_TTL_SECONDS = 3600;

  /** Password hashes (scrypt, on libuv's 4-thread pool) running at once per process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  PASSWORD_HASH_CONCURRENCY = 2;

  /** Sign-ins and registrations that may wait for a hash; past them, 503 with Retry-After. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  PASSWORD_HASH_QUEUE = 32;

  /** `/auth` attempts (register, sign-in) per minute per client address; 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  AUTH_RATE_LIMIT = 60;

  /** `/auth` attempts per minute per email (one account guessed from many addresses); 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  AUTH_EMAIL_RATE_LIMIT = 10;

  /**
   * `strip`: `ana+shop@example.com` is the account `ana@example.com` (most providers deliver it
   * there, so it is no second buyer); `keep`: for a provider where `+` is part of the name.
   */
  @IsIn(EMAIL_SUBADDRESS_POLICIES)
  EMAIL_SUBADDRESS_POLICY: EmailSubaddressPolicy = 'strip';

  /**
   * `gmail`: dots in the local part are ignored on gmail.com / googlemail.com (which ignore them),
   * `all`: on every domain, `keep`: never (dots are significant on most other providers).
   */
  @IsIn(EMAIL_DOTS_POLICIES)
  EMAIL_DOTS_POLICY: EmailDotsPolicy = 'gmail';

  /** `POST /buy` attempts per minute per buyer (per client address when anonymous); 0 turns it off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  BUY_RATE_LIMIT = 60;

  /** How long an `Idempotency-Key` is remembered (at least 24 h by contract). */
  @Transform(toInt)
  @IsInt()
  @Min(24 * 3600)
  @Max(30 * 24 * 3600)
  IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

  /** The poll interval the server suggests (`pollAfterMs`) when it is not under load. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60_000)
  POLL_INTERVAL_MS = 1000;

  /**
   * HMAC secret signing waiting-room tickets and passes. Unset: one is generated once and kept in
   * the store, so every instance on that store shares it (set it to rotate, or for STORE=memory
   * tickets that survive a restart).
   */
  @IsOptional()
  @IsString()
  @MinLength(32)
  QUEUE_SECRET?: string;

  /**
   * The Ed25519 private key that signs door tickets (PKCS#8: PEM, or the base64 of its DER). Unset:
   * one is generated once and kept in the durable store, shared by every instance on it.
   */
  @IsOptional()
  @IsEd25519PrivateKey()
  TICKET_SIGNING_KEY?: string;

  /** Anonymous waiting-room joins per minute per client address; 0 turns the limit off. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  QUEUE_JOIN_RATE_LIMIT = 10;

  /** `info` logs writes (every POST/PATCH) and every failure; `debug` adds successful reads (polls…). */
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Folder of the storefront's production build; unset means the one built beside the API. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  WEB_ROOT?: string;
}

/** `ConfigModule.forRoot({ validate })` hook: the message names every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): ApiEnvironment {
  const env = plainToInstance(ApiEnvironment, raw, {
    exposeDefaultValues: true,
  });
  const errors = validateSync(env, {
    skipMissingProperties: false,
    whitelist: false,
  });
  const lines = errors.map(
    (e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join(', ')}`,
  );
  if (env.STORE === 'memory' && env.WORKERS > 1) {
    lines.push(
      `  WORKERS=${env.WORKERS}: STORE=memory keeps stock inside one process; several workers would each sell it all. Use WORKERS=1 or a shared store (sqlite, postgres, redis)`,
    );
  }
  if (lines.length > 0) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  return env;
}

/** TRUST_PROXY as both HTTP platforms take it (proxy-addr semantics on each). */
export type TrustProxy = boolean | number | string;

export function trustProxySetting(raw: string | undefined): TrustProxy {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw.replace(/ /g, '');
}

/**
 * The start-up warning for an unbounded trust: with `true` every hop is a proxy, so the leftmost
 * X-Forwarded-For entry — whatever address the client chose to write there — is the client, for
 * the buy rate limit and the audit log alike. A hop count or an address list bounds it.
 */
export function trustProxyWarning(setting: TrustProxy): string | undefined {
  return setting === true
    ? 'TRUST_PROXY=true trusts every hop: any client can pick its own address in X-Forwarded-For and so ' +
        'escape the buy rate limit. Name your proxies instead (TRUST_PROXY=loopback,10.0.0.0/8) or give a hop count.'
    : undefined;
}
