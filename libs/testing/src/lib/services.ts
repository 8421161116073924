import { execFileSync } from 'node:child_process';

/** A database on the test PostgreSQL server, used to CREATE and DROP the databases of the specs. */
export const TEST_POSTGRES_URL =
  process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The test Redis server, without a database index (each user picks or leases its own). */
export const TEST_REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

export interface ServiceEndpoint {
  name: string;
  host: string;
  port: number;
}

/** Host and port of a service URL, with the service's default port. */
export function endpointOf(name: string, url: string, defaultPort: number): ServiceEndpoint {
  const parsed = new URL(url);
  return { name, host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

export const TEST_POSTGRES = endpointOf('PostgreSQL', TEST_POSTGRES_URL, 5432);
export const TEST_REDIS = endpointOf('Redis', TEST_REDIS_URL, 6379);

/** Synchronous TCP probe, so a spec file can decide at load time whether a service is there. */
export function serviceReachable(host: string, port: number): boolean {
  const probe = `require('net').connect(${port}, ${JSON.stringify(host)})
    .on('connect', () => process.exit(0)).on('error', () => process.exit(1)).setTimeout(2000, () => process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * `describe` when every service answers (the test PostgreSQL and Redis when none is named), and
 * always under CI=true, so a missing service fails the build instead of silently skipping its
 * specs; `describe.skip` with a warning elsewhere.
 */
export function describeWithServices(...services: ServiceEndpoint[]): jest.Describe {
  if (process.env['CI'] === 'true') return describe;
  const needed = services.length > 0 ? services : [TEST_POSTGRES, TEST_REDIS];
  const missing = needed.filter((s) => !serviceReachable(s.host, s.port));
  if (missing.length === 0) return describe;
  console.warn(
    `${missing.map((s) => `${s.name} (${s.host}:${s.port})`).join(' and ')} not reachable: ` +
      'its specs are skipped here (under CI=true they fail instead)',
  );
  return describe.skip;
}

/** `describeWithServices` for one service. */
export const describeWithService = (service: ServiceEndpoint): jest.Describe => describeWithServices(service);
