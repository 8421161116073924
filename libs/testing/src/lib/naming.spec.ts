import { databaseUrl, redactUrl, uniqueDatabaseName } from './postgres';
import { redisDatabaseUrl, uniqueRedisPrefix } from './redis';
import { endpointOf } from './services';

describe('names unique per run', () => {
  it('gives every database a fresh, valid PostgreSQL identifier under its label', () => {
    const names = new Set(Array.from({ length: 50 }, () => uniqueDatabaseName('gtd_e2e_Wiped-1')));
    expect(names.size).toBe(50);
    for (const name of names) expect(name).toMatch(/^gtd_e2e_wiped_1_[a-z0-9]+$/);
    expect(() => uniqueDatabaseName('x'.repeat(70))).toThrow(/Bad database name/);
  });

  it('gives every Redis prefix a fresh segment under its label', () => {
    const prefixes = new Set(Array.from({ length: 50 }, () => uniqueRedisPrefix('gtd-e2e:rush')));
    expect(prefixes.size).toBe(50);
    for (const prefix of prefixes) expect(prefix).toMatch(/^gtd-e2e:rush:[a-z0-9]+:$/);
  });
});

describe('service URLs', () => {
  it('swaps the database of a PostgreSQL or Redis URL', () => {
    expect(databaseUrl('postgres://postgres@127.0.0.1:5432/test', 'gtd_x')).toBe(
      'postgres://postgres@127.0.0.1:5432/gtd_x',
    );
    expect(redisDatabaseUrl('redis://127.0.0.1:6379', 11)).toBe('redis://127.0.0.1:6379/11');
    expect(redisDatabaseUrl('redis://127.0.0.1:6379/7', 0)).toBe('redis://127.0.0.1:6379/0');
  });

  it('masks a password and finds host and default port', () => {
    expect(redactUrl('postgres://app:secret@db:5432/drop')).toBe('postgres://app:***@db:5432/drop');
    expect(redactUrl('not a url')).toBe('not a url');
    expect(endpointOf('Redis', 'redis://cache', 6379)).toEqual({ name: 'Redis', host: 'cache', port: 6379 });
  });
});
