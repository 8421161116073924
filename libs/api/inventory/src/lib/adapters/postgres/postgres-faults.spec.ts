import { DependencyUnavailable } from '@gtd/api-platform';
import { Client } from 'pg';
import { AddressInfo, createServer, Server, Socket } from 'node:net';
import {
  createTestDatabase,
  describeWithService,
  freePort,
  TEST_POSTGRES,
  useOwnPostgres,
} from '@gtd/testing';
import { postgresFault } from './postgres-faults';
import { PostgresDatabase } from './postgres-database';
import { postgresInventory } from './postgres-stores';

/**
 * The classification of node-postgres errors, fed with errors the driver really raises: a port
 * nobody listens on, a backend terminated mid-statement, PostgreSQL stopped `-m immediate` under
 * a statement and under an open transaction, the server's and the driver's timeouts.
 */

/** What `work` rejects with (fails when it resolves). */
async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

function expectFault(error: unknown, reached: boolean): void {
  expect(error).toBeInstanceOf(DependencyUnavailable);
  expect((error as DependencyUnavailable).dependency).toBe('postgres');
  expect((error as DependencyUnavailable).reached).toBe(reached);
}

const COMMAND = {
  productId: 1,
  quantity: 1,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: '',
  nowMs: Date.now(),
};

describe('postgresFault on a closed port', () => {
  let closedUrl: string;
  beforeAll(async () => {
    closedUrl = `postgres://postgres@127.0.0.1:${await freePort()}/postgres`;
  });

  it('connection refused: not reached, for a statement, a transaction, the purchase, a read and a cancel', async () => {
    const database = new PostgresDatabase({ connectionString: closedUrl });
    try {
      const refused = await failure(() => database.query('SELECT 1'));
      expectFault(refused, false);
      expect(((refused as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
      expectFault(await failure(() => database.transaction(() => Promise.resolve())), false);
      const store = postgresInventory(database);
      expectFault(await failure(() => store.purchase(COMMAND)), false);
      expectFault(await failure(() => store.listProducts()), false);
      expectFault(await failure(() => store.findOrder('6a0f8d4e-3b1c-4c55-9a3e-0d7c5b2f1e11')), false);
      // The operator's cancel is a transaction: refused before BEGIN, it certainly changed nothing.
      expectFault(
        await failure(() => store.cancelOrder('6a0f8d4e-3b1c-4c55-9a3e-0d7c5b2f1e11', Date.now())),
        false,
      );
    } finally {
      await database.close();
    }
  });

  it('the raw driver error is only "not reached" when it happened while connecting', async () => {
    const client = new Client({ connectionString: closedUrl });
    const refused = await failure(() => client.connect());
    expectFault(postgresFault(refused, 'connect'), false);
    expectFault(postgresFault(refused, 'uncommitted'), false);
    expectFault(postgresFault(refused, 'in-doubt'), true);
  });
});

describe('a PostgreSQL that accepts connections but never answers', () => {
  let silent: Server;
  let url: string;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Takes the connection and the startup message, then says nothing: a hung server.
    silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    url = `postgres://postgres@127.0.0.1:${(silent.address() as AddressInfo).port}/postgres`;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('a purchase is given up after the connect timeout as not reached, instead of waiting for the OS', async () => {
    const database = new PostgresDatabase({ connectionString: url, connectTimeoutMs: 200 });
    try {
      const store = postgresInventory(database);
      const timedOut = await failure(() => store.purchase(COMMAND));
      expectFault(timedOut, false);
      expect(((timedOut as Error).cause as Error).message).toMatch(/timeout/i);
      // The same for a request that only waited for a pooled connection.
      expectFault(await failure(() => database.query('SELECT 1')), false);
    } finally {
      await database.close();
    }
  });
});

describeWithService(TEST_POSTGRES)('postgresFault on the test server', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const created = await createTestDatabase({ label: 'gtd_faults' });
    url = created.url;
    drop = created.drop;
  });
  afterAll(() => drop());

  it('a backend terminated mid-statement is in doubt; inside an open transaction it rolled back', async () => {
    const database = new PostgresDatabase({ connectionString: url, poolSize: 2 });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    // Until the sleeper shows up, however busy the machine; only this database's backends.
    const terminateSleepers = async () => {
      for (let i = 0; i < 1000; i++) {
        const { rowCount } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE query LIKE 'SELECT pg_sleep(30)%' AND datname = current_database()
              AND pid <> pg_backend_pid()`,
        );
        if (rowCount) return;
        await new Promise((done) => setTimeout(done, 20));
      }
    };
    try {
      const [statement] = await Promise.all([
        failure(() => database.query('SELECT pg_sleep(30)')),
        terminateSleepers(),
      ]);
      expectFault(statement, true);
      expect(((statement as Error).cause as { code?: string }).code).toBe('57P01');

      const [transaction] = await Promise.all([
        failure(() => database.transaction((client) => client.query('SELECT pg_sleep(30)'))),
        terminateSleepers(),
      ]);
      // The failed ROLLBACK on the dead connection does not hide the fault.
      expectFault(transaction, false);
      // The broken clients were not put back: the pool still answers.
      expect((await database.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await database.close();
    }
  }, 30_000);

  it('statement_timeout (an ERROR: rolled back) is not reached; the driver query_timeout is in doubt', async () => {
    const database = new PostgresDatabase({ connectionString: `${url}?options=-c%20statement_timeout%3D50` });
    const client = new Client({ connectionString: url, query_timeout: 50 });
    await client.connect();
    try {
      const cancelled = await failure(() => database.query('SELECT pg_sleep(5)'));
      expectFault(cancelled, false);
      expect(((cancelled as Error).cause as { code?: string }).code).toBe('57014');
      const timedOut = await failure(() => client.query('SELECT pg_sleep(1)'));
      expect((timedOut as Error).message).toBe('Query read timeout');
      expectFault(postgresFault(timedOut, 'in-doubt'), true);
    } finally {
      await client.end().catch(() => undefined);
      await database.close();
    }
  });

  describe('a purchase batch failing as a whole', () => {
    const BATCH = 8;
    let holder: Client;

    /** A migrated store whose product 1 row another transaction holds locked, so a batch waits on it. */
    async function lockedProduct(database: PostgresDatabase) {
      await database.migrate();
      const store = postgresInventory(database);
      await store.seedIfEmpty([{ id: 1, name: 'P', description: '', price: 1, currency: 'EUR', stock: 100 }]);
      await store.restock(1, { mode: 'set', quantity: 100 });
      holder = new Client({ connectionString: url });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM products WHERE id = 1 FOR UPDATE');
      return store;
    }

    const rush = (store: ReturnType<typeof postgresInventory>) =>
      Promise.all(
        Array.from({ length: BATCH }, (_, i) =>
          failure(() => store.purchase({ ...COMMAND, idempotencyKey: i % 2 ? `fault-${i}` : null })),
        ),
      );

    async function availableNow(): Promise<number> {
      const { rows } = await holder.query<{ available: number }>(
        'SELECT available FROM products WHERE id = 1',
      );
      return rows[0].available;
    }

    afterEach(async () => {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    });

    it('cancelled by statement_timeout (rolled back): every buyer of the batch hears "not made"', async () => {
      const database = new PostgresDatabase({
        connectionString: `${url}?options=-c%20statement_timeout%3D300`,
      });
      try {
        const store = await lockedProduct(database);
        const errors = await rush(store);
        for (const error of errors) expectFault(error, false);
        expect(new Set(errors).size).toBe(1);
        await holder.query('ROLLBACK');
        expect(await availableNow()).toBe(100);
      } finally {
        await database.close();
      }
    });

    it('its backend terminated mid-statement: every buyer of the batch hears "in doubt"', async () => {
      const database = new PostgresDatabase({ connectionString: url });
      try {
        const store = await lockedProduct(database);
        const errors = rush(store);
        // The batch's backend, once its statement is in (waiting on the row lock or about to):
        // only this database's, never the holder's. Looked for from a connection of its own: inside
        // the holder's transaction pg_stat_activity is one snapshot, taken at its first read, so a
        // first look before the batch arrived would never see it arrive.
        const watcher = new Client({ connectionString: url });
        await watcher.connect();
        let terminated = false;
        try {
          for (let i = 0; i < 1000 && !terminated; i++) {
            const { rowCount } = await watcher.query(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE query LIKE '%gtd_purchase_batch%' AND state = 'active'
                  AND datname = current_database() AND pid <> pg_backend_pid()`,
            );
            terminated = Boolean(rowCount);
            if (!terminated) await new Promise((done) => setTimeout(done, 20));
          }
        } finally {
          await watcher.end();
        }
        // Never found: let the batch through, so the case fails on its answers instead of hanging.
        if (!terminated) await holder.query('ROLLBACK');
        expect(terminated).toBe(true);
        const answered = await errors;
        for (const error of answered) expectFault(error, true);
        expect(new Set(answered).size).toBe(1);
        await holder.query('ROLLBACK');
        expect(await availableNow()).toBe(100);
      } finally {
        await database.close();
      }
    }, 30_000);
  });

  it('a bad statement is not a dependency fault: it is thrown as it is', async () => {
    const database = new PostgresDatabase({ connectionString: url });
    try {
      const error = await failure(() => database.query('SELEC 1'));
      expect(error).not.toBeInstanceOf(DependencyUnavailable);
      expect((error as { code?: string }).code).toBe('42601');
      expect(postgresFault(error, 'connect')).toBeUndefined();
      expect(postgresFault(new TypeError('x is undefined'), 'connect')).toBeUndefined();
    } finally {
      await database.close();
    }
  });
});

describe('postgresFault when its own cluster stops -m immediate', () => {
  const cluster = useOwnPostgres('gtd-pg-faults');

  it('a statement in flight is in doubt, an open transaction is not, and then connecting is refused', async () => {
    const database = new PostgresDatabase({ connectionString: cluster.adminUrl, poolSize: 4 });
    try {
      await database.query('SELECT 1');
      const statement = failure(() => database.query('SELECT pg_sleep(30)'));
      const transaction = failure(() =>
        database.transaction(async (client) => {
          await client.query('CREATE TABLE IF NOT EXISTS crash_probe (id int)');
          await client.query('INSERT INTO crash_probe VALUES (1)');
          await client.query('SELECT pg_sleep(30)');
        }),
      );
      // Both statements have reached the server before it is stopped.
      const admin = new Client({ connectionString: cluster.adminUrl });
      await admin.connect();
      for (let i = 0; i < 200; i++) {
        const { rows } = await admin.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(30)%'",
        );
        if (rows[0].n === 2) break;
        await new Promise((done) => setTimeout(done, 20));
      }
      await admin.end();
      await cluster.stopImmediate();
      expectFault(await statement, true);
      expectFault(await transaction, false);
      const down = await failure(() => database.query('SELECT 1'));
      expectFault(down, false);

      await cluster.start();
      // Recovery: the transaction that was cut before its COMMIT left nothing behind.
      const { rows } = await database.query<{ exists: boolean }>(
        "SELECT to_regclass('crash_probe') IS NOT NULL AS exists",
      );
      expect(rows).toEqual([{ exists: false }]);
    } finally {
      await database.close();
    }
  });
});
