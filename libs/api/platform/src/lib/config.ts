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

export const HTTP_ADAPTERS = ['express', 'fastify'] as const;
export type HttpAdapterKind = (typeof HTTP_ADAPTERS)[number];

export const STORE_KINDS = ['sqlite', 'memory', 'postgres', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

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
