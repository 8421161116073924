import { ApiRoutes, ErrorCode, PurchaseFaultOutcome, PurchaseResult } from '@gtd/shared-contracts';
import {
  ApiProcess,
  catalogWithStocks,
  cleanup,
  dropFiles,
  Reply,
  RunningApi,
  send,
  spawnApi,
  startServer,
  tally,
} from '@gtd/testing';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BuyBody, buyRequest, fetchOrders, listProducts, successes, sum } from '../support/drop';

const STOCK = 100;
/** How long the other process holds the write lock: longer than any purchase may wait for it. */
const LOCK_MS = 10_000;
/** Hang detector for /health and the poll: a frozen event loop misses it, a turning one never does. */
const PROBE_TIMEOUT_MS = 2_000;
/** Hang detector for a purchase: it may wait for the lock, but not for ever. */
const BUY_TIMEOUT_MS = 10_000;
const PROBE_EVERY_MS = 200;
const BUY_EVERY_MS = 500;

/**
 * Another process on the same machine (a backup, a `sqlite3` shell, a second deployment) holds
 * the write lock: `BEGIN IMMEDIATE` and nothing more, until it is told to let go.
 */
const LOCKER = `
const [betterSqlite3, path, holdMs] = process.argv.slice(2);
const Database = require(betterSqlite3);
const db = new Database(path, { timeout: 10000 });
db.exec('BEGIN IMMEDIATE');
console.log('locked');
setTimeout(() => {
  db.exec('ROLLBACK');
  db.close();
  console.log('released');
}, Number(holdMs));
`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForOutput(spawned: ApiProcess, line: string): Promise<void> {
  const until = Date.now() + 15_000;
  while (!spawned.stdout().includes(line)) {
    if (!spawned.alive() || Date.now() > until) {
      throw new Error(`locker never printed "${line}": ${spawned.output()}`);
    }
    await sleep(20);
  }
}

/**
 * A SQLite write lock held by another process for 10 s must not freeze the API: /health and the
 * poll keep answering, purchases wait a bounded time and then hear 503 "not made" (never a 500,
 * never a hidden sale), and once the lock is gone selling resumes with every sale accounted for.
 */
describe('a SQLite file locked by another process', () => {
  let server: RunningApi;
  let sqlitePath: string;
  let lockerScript: string;

  beforeAll(async () => {
    const files = dropFiles(catalogWithStocks(STOCK));
    sqlitePath = files.sqlitePath;
    lockerScript = join(files.dir, 'hold-lock.js');
    writeFileSync(lockerScript, LOCKER);
    server = await startServer(files);
  });

  afterAll(cleanup);

  const buy = () => send<BuyBody>(server.baseUrl, { ...buyRequest(1, 1), timeoutMs: BUY_TIMEOUT_MS });

  it('keeps /health and the poll answering, answers purchases 503 NOT_MADE or 201, and loses nothing', async () => {
    const before = await Promise.all(Array.from({ length: 5 }, buy));
    expect(tally(before.map((r) => r.status))).toEqual({ '201': 5 });

    const locker = spawnApi({
      script: lockerScript,
      args: [require.resolve('better-sqlite3'), sqlitePath, String(LOCK_MS)],
      label: 'locker',
    });
    await waitForOutput(locker, 'locked');

    const probes: Reply[] = [];
    const during: Promise<Reply<BuyBody>>[] = [];
    const released = () => locker.stdout().includes('released') || !locker.alive();
    let nextBuyAt = 0;
    while (!released()) {
      if (Date.now() >= nextBuyAt) {
        during.push(buy());
        nextBuyAt = Date.now() + BUY_EVERY_MS;
      }
      probes.push(
        ...(await Promise.all([
          send(server.baseUrl, { path: ApiRoutes.health, timeoutMs: PROBE_TIMEOUT_MS }),
          send(server.baseUrl, { path: ApiRoutes.inventory(1), timeoutMs: PROBE_TIMEOUT_MS }),
        ])),
      );
      await sleep(PROBE_EVERY_MS);
    }
    expect(await locker.exited).toEqual({ code: 0, signal: null });
    const duringLock = await Promise.all(during);
    const after = await Promise.all(Array.from({ length: 5 }, buy));

    // The loop kept turning for the whole lock: every probe answered, within its hang detector.
    expect(tally(probes.map((p) => p.status))).toEqual({ '200': probes.length });
    expect(probes.length).toBeGreaterThanOrEqual(20);

    // A purchase sent during the lock either waited it out (201) or was told nothing was sold.
    const statuses = tally(duringLock.map((r) => r.status));
    expect(Object.keys(statuses).every((s) => s === '201' || s === '503')).toBe(true);
    const unavailable = duringLock.filter((r) => r.status === 503);
    // The first ones were sent 10 s before the lock ended: past any deadline they may wait.
    expect(unavailable.length).toBeGreaterThan(0);
    for (const reply of unavailable) {
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.headers['retry-after']).toMatch(/^\d+$/);
      expect(reply.body).toMatchObject({
        status: 503,
        code: ErrorCode.ServiceUnavailable,
        purchase: PurchaseFaultOutcome.NotMade,
      });
    }
    expect(tally(after.map((r) => r.status))).toEqual({ '201': 5 });

    // Nothing sold behind a 503, nothing lost behind a 201: sold + available = stock.
    const sold: PurchaseResult[] = successes([...before, ...duringLock, ...after]);
    const [product] = await listProducts(server.baseUrl);
    expect(sum(sold.map((s) => s.quantity)) + product.available).toBe(STOCK);
    const orders = await fetchOrders(
      server.baseUrl,
      sold.map((s) => s.orderId),
    );
    expect(tally(orders.map((o) => o.status))).toEqual({ '200': sold.length });

    console.log(
      `sqlite lock ${LOCK_MS} ms: ${probes.length} probes all 200; purchases during it ` +
        `${JSON.stringify(statuses)}; sold ${sold.length}, available ${product.available}`,
    );
  });
});
