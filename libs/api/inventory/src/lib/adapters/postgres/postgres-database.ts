import { Pool, PoolClient, QueryConfig, QueryResult, QueryResultRow, types } from 'pg';
import { DependencyHealth, checkDependency } from '../../stores';
import { postgresFault, PostgresPhase } from './postgres-faults';
import { migratePostgres } from './postgres-schema';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections per process; purchases take one at a time (one batch in flight), reads the rest. */
  poolSize?: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
  /** How long a request waits for a connection, new or pooled (default POSTGRES_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs?: number;
}

/**
 * Without a bound, a PostgreSQL that accepts TCP but does not answer (a hung server, a dropped
 * route, a full backlog) held every purchase until the operating system gave up on the socket —
 * minutes. Past this, the buyer gets 503 `NOT_MADE`: no statement was sent.
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5_000;

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

/** A node-postgres error as the adapter throws it: a dependency fault becomes `DependencyUnavailable`. */
const translated = (error: unknown, phase: PostgresPhase): unknown => postgresFault(error, phase) ?? error;

/**
 * A checked-out client whose connection dies emits 'error' (besides failing its query); with no
 * listener that event would end the process. The failed query already reports it.
 */
const ignoreClientError = (): undefined => undefined;

/**
 * The pool every PostgreSQL port of a process shares, and the schema it migrates once. Ports run
 * their statements through `query` and `transaction`, which say whether a failed one may have
 * taken effect (see postgres-faults.ts).
 */
export class PostgresDatabase {
  readonly pool: Pool;

  constructor(options: Pick<PostgresStoreOptions, 'connectionString' | 'poolSize' | 'connectTimeoutMs'>) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
      types: PG_TYPES,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    // Likewise a checked-out one: listened to once, when the pool creates it, not per checkout.
    this.pool.on('connect', (client) => client.on('error', ignoreClientError));
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

  /** A pooled client; failing to get one means no statement was sent (`connect` phase). */
  private async connect(): Promise<PoolClient> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translated(error, 'connect');
    }
    return client;
  }

  /**
   * One statement on a pooled client: its own implicit transaction, so once sent its outcome is
   * in doubt until the answer arrives.
   */
  async query<R extends QueryResultRow = QueryResultRow>(
    statement: string | QueryConfig,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    const client = await this.connect();
    let result: QueryResult<R>;
    try {
      result = await client.query<R>(statement, values);
    } catch (error) {
      // As pool.query does: a client whose statement failed is not reused.
      client.release(error as Error);
      throw translated(error, 'in-doubt');
    }
    client.release();
    return result;
  }

  /** `work` in one transaction on one client (READ COMMITTED unless `begin` says otherwise). */
  async transaction<T>(work: (client: PoolClient) => Promise<T>, begin = 'BEGIN'): Promise<T> {
    const client = await this.connect();
    let phase: PostgresPhase = 'uncommitted';
    let result: T;
    try {
      await client.query(begin);
      result = await work(client);
      phase = 'in-doubt';
      await client.query('COMMIT');
    } catch (error) {
      // A failed ROLLBACK (the connection is gone) must not hide why the transaction failed; the
      // server rolls back a transaction whose connection dies, and the client is not reused.
      const rolledBack =
        phase === 'uncommitted' &&
        (await client.query('ROLLBACK').then(
          () => true,
          () => false,
        ));
      client.release(rolledBack ? undefined : (error as Error));
      throw translated(error, phase);
    }
    client.release();
    return result;
  }
}
