import { getMetadataStorage } from 'class-validator';
import { API_ENVIRONMENT_VARIABLES } from '@gtd/shared-contracts';
import { ApiEnvironment, validateEnvironment } from './config';

describe('validateEnvironment', () => {
  it('applies the documented defaults', () => {
    expect(validateEnvironment({})).toMatchObject({
      PORT: 8080,
      STORE: 'sqlite',
      SQLITE_PATH: './data/drop.sqlite',
      MAX_QUANTITY_PER_PURCHASE: 10,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      EMAIL_SUBADDRESS_POLICY: 'strip',
      EMAIL_DOTS_POLICY: 'gmail',
    });
  });

  it('converts plain integers and keeps unrelated variables out of the way', () => {
    const env = validateEnvironment({
      PORT: '3000',
      STORE: 'memory',
      PATH: '/usr/bin',
      MAX_QUANTITY_PER_PURCHASE: '4',
    });
    expect(env).toMatchObject({ PORT: 3000, STORE: 'memory', MAX_QUANTITY_PER_PURCHASE: 4 });
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc"/],
    [{ PORT: '80a' }, /PORT="80a"/],
    [{ PORT: '70000' }, /PORT=70000: PORT must not be greater than 65535/],
    [{ STORE: 'mongo' }, /STORE="mongo": STORE must be one of the following values: sqlite, memory/],
    [{ MAX_QUANTITY_PER_PURCHASE: '0' }, /MAX_QUANTITY_PER_PURCHASE=0/],
    [{ SQLITE_PATH: '' }, /SQLITE_PATH=""/],
    [{ STORE: 'postgres' }, /DATABASE_URL=undefined: DATABASE_URL must be a postgres:\/\/ connection string/],
    [{ STORE: 'postgres', DATABASE_URL: 'mysql://x' }, /DATABASE_URL="mysql:\/\/x"/],
    [{ DATABASE_POOL_SIZE: '0' }, /DATABASE_POOL_SIZE=0/],
    [
      { STORE: 'redis', DATABASE_URL: 'postgres://x/y' },
      /REDIS_URL=undefined: REDIS_URL must be a redis:\/\//,
    ],
    [{ STORE: 'redis', REDIS_URL: 'redis://x' }, /DATABASE_URL=undefined/],
    [{ REDIS_PREFIX: 'has space' }, /REDIS_PREFIX="has space"/],
    [{ WORKERS: '0' }, /WORKERS=0/],
    [{ EMAIL_SUBADDRESS_POLICY: 'drop' }, /EMAIL_SUBADDRESS_POLICY="drop": .*strip, keep/],
    [{ EMAIL_DOTS_POLICY: 'GMAIL' }, /EMAIL_DOTS_POLICY="GMAIL": .*gmail, all, keep/],
    [{ STORE: 'memory', WORKERS: '2' }, /WORKERS=2: STORE=memory keeps stock inside one process/],
  ])('refuses %j, naming the variable', (raw, message) => {
    expect(() => validateEnvironment(raw)).toThrow(message);
  });

  it('names every bad variable at once', () => {
    expect(() => validateEnvironment({ PORT: 'x', STORE: 'y' })).toThrow(/PORT=.*\n.*STORE=/s);
  });
});

describe('API_ENVIRONMENT_VARIABLES', () => {
  it('names exactly the variables ApiEnvironment validates, so test harnesses scrub every one', () => {
    const validated = getMetadataStorage()
      .getTargetValidationMetadatas(ApiEnvironment, '', true, false)
      .map((metadata) => metadata.propertyName);
    expect([...API_ENVIRONMENT_VARIABLES].sort()).toEqual([...new Set(validated)].sort());
  });
});
