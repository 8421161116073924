import { Pool, PoolClient, types } from 'pg';
import { DependencyHealth, checkDependency } from '../../stores';
import { migratePostgres } from './postgres-schema';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections per process; a hot row serialises purchases anyway, so more is rarely faster. */
  poolSize?: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

/** Our bigints (ids, prices, epoch milliseconds) are kept within Number.MAX_SAFE_INTEGER by validation. */
const parseBigint = (value: string): number => Number(value);

/** Type parsers for every connection to our schema: bigints read as numbers (see `parseBigint`). */
export const PG_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? parseBigint : types.getTypeParser(oid, format),
};

/** Epoch milliseconds as the exact `timestamptz` literal (ISO 8601, UTC). */
export const timestamp = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

/** The pool every PostgreSQL port of a process shares, and the schema it migrates once. */
export class PostgresDatabase {
  readonly pool: Pool;

  constructor(options: Pick<PostgresStoreOptions, 'connectionString' | 'poolSize'>) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      types: PG_TYPES,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  /** Creates or migrates the schema; safe when several processes start at once. */
  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  }

  get ended(): boolean {
    return this.pool.ended;
  }

  checkHealth(): Promise<DependencyHealth> {
    return checkDependency('postgres', async () => {
      await this.pool.query('SELECT 1');
      return {
        connections: this.pool.totalCount,
        idle: this.pool.idleCount,
        waiting: this.pool.waitingCount,
      };
    });
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  /** `work` in one transaction on one client (READ COMMITTED unless `begin` says otherwise). */
  async transaction<T>(work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query(begin);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
