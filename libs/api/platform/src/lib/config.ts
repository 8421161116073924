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

export const STORE_KINDS = ['sqlite', 'memory', 'postgres'] as const;
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

  @IsString()
  @MinLength(1)
  SQLITE_PATH = './data/drop.sqlite';

  /** PostgreSQL connection string; required by the `postgres` store. */
  @ValidateIf((env: ApiEnvironment) => env.STORE === 'postgres' || env.DATABASE_URL !== undefined)
  @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// connection string' })
  DATABASE_URL?: string;

  /** Connections per API process. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

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
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join(', ')}`,
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}
