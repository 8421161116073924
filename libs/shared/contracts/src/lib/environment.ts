/**
 * Every environment variable the API reads (validated by ApiEnvironment in libs/api/platform, whose
 * spec keeps the two in step). Harnesses that start the API for a test or a benchmark remove these
 * from their own environment, so a developer's shell never changes what is tested.
 */
export const API_ENVIRONMENT_VARIABLES = [
  'PORT',
  'HOST',
  'STORE',
  'HTTP_ADAPTER',
  'SQLITE_PATH',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'REDIS_URL',
  'REDIS_PREFIX',
  'REDIS_CLAIM_IDLE_MS',
  'REDIS_DURABILITY',
  'WORKERS',
  'CATALOG',
  'MAX_QUANTITY_PER_PURCHASE',
  'SHUTDOWN_TIMEOUT_MS',
  'ADMIN_TOKEN',
  'TRUST_PROXY',
  'METRICS_TOKEN',
  'JWT_SECRET',
  'JWT_TTL_SECONDS',
  'PASSWORD_HASH_CONCURRENCY',
  'PASSWORD_HASH_QUEUE',
  'AUTH_RATE_LIMIT',
  'AUTH_EMAIL_RATE_LIMIT',
  'EMAIL_SUBADDRESS_POLICY',
  'EMAIL_DOTS_POLICY',
  'BUY_RATE_LIMIT',
  'IDEMPOTENCY_TTL_SECONDS',
  'POLL_INTERVAL_MS',
  'LOG_LEVEL',
  'WEB_ROOT',
] as const;
