import { AuthSession, ErrorCode } from '@gtd/shared-contracts';
import {
  asBuyer,
  catalogWithStocks,
  cleanup,
  createTestDatabase,
  describeWithService,
  dropFiles,
  fireConcurrently,
  register,
  Reply,
  RequestSpec,
  RunningApi,
  startServer,
  tally,
  TEST_POSTGRES,
  TestDatabase,
} from '@gtd/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { availableOf, BuyBody, buyRequest, expectSerialHistory, successes, sum } from '../support/drop';

/**
 * Two API processes on one PostgreSQL database, each deciding the purchases that reach it in
 * batches (one `gtd_purchase_batch` call per round trip): the batches of the two processes
 * interleave on the same product rows, and still every buyer gets one decision of their own.
 *
 * 2,000 purchases at once, half to each process:
 * - product 1 (stock 1,500): 1,400 anonymous purchases and 150 keys each sent twice, once to each
 *   process (the same client address: one key scope), so 1,550 would-be sales for 1,500 units;
 * - product 2 (limit 2 per buyer): 15 signed-in buyers sending 20 each, half under keys sent twice.
 */
const STOCK = 1500;
const ANONYMOUS = 1400;
const KEYS = 150;
const LIMITED_STOCK = 1000;
const LIMIT = 2;
const BUYERS = 15;
const PER_BUYER = 20;

interface Sent {
  spec: RequestSpec;
  /** The process it goes to (0 or 1). */
  to: number;
  productId: number;
  key: string | null;
  buyer: AuthSession | null;
}

describeWithService(TEST_POSTGRES)('two API processes on one PostgreSQL database, batching', () => {
  let database: TestDatabase;
  let servers: RunningApi[] = [];
  const buyers: AuthSession[] = [];

  beforeAll(async () => {
    database = await createTestDatabase({ label: 'gtd_e2e_pg_batch' });
    const catalog = catalogWithStocks(STOCK, LIMITED_STOCK);
    catalog[1] = { ...catalog[1], perBuyerLimit: LIMIT };
    const files = dropFiles(catalog);
    const env = {
      STORE: 'postgres',
      DATABASE_URL: database.url,
      DATABASE_POOL_SIZE: '5',
      // One secret for both: a buyer signed in at one process is known at the other.
      JWT_SECRET: randomBytes(32).toString('base64url'),
    };
    // One after the other: the first migrates and seeds, the second opens the database as it is.
    servers = [await startServer({ ...files, env }), await startServer({ ...files, env })];
    for (let i = 0; i < BUYERS; i++) {
      const reply = await register(servers[i % 2].baseUrl, `batch-${database.name}-${i}@example.com`);
      if (reply.status !== 201) throw new Error(`register answered ${reply.status}: ${reply.text}`);
      buyers.push(reply.body);
    }
  }, 60_000);

  afterAll(async () => {
    await cleanup();
    await database?.drop();
  });

  /** Every purchase, in one list; the two processes' shares are fired at the same time. */
  function purchases(): Sent[] {
    const sent: Sent[] = [];
    const buy = (to: number, productId: number, key: string | null, buyer: AuthSession | null) => {
      let spec: RequestSpec = { ...buyRequest(productId, 1), timeoutMs: 30_000 };
      if (key !== null) spec = { ...spec, headers: { 'idempotency-key': key } };
      if (buyer !== null) spec = asBuyer(spec, buyer);
      sent.push({ spec, to, productId, key, buyer });
    };
    for (let i = 0; i < ANONYMOUS; i++) buy(i % 2, 1, null, null);
    for (let k = 0; k < KEYS; k++) {
      buy(0, 1, `anon-${k}`, null);
      buy(1, 1, `anon-${k}`, null);
    }
    for (const [b, buyer] of buyers.entries()) {
      for (let j = 0; j < PER_BUYER / 2; j++) buy(j % 2, 2, null, buyer);
      for (let j = 0; j < PER_BUYER / 4; j++) {
        buy(0, 2, `buyer-${b}-${j}`, buyer);
        buy(1, 2, `buyer-${b}-${j}`, buyer);
      }
    }
    return sent;
  }

  it('2,000 purchases at once: exactly the stock sold, each buyer within the limit, every 201 a stored order', async () => {
    const sent = purchases();
    expect(sent).toHaveLength(2000);
    const [first, second] = await Promise.all(
      [0, 1].map((to) =>
        fireConcurrently<BuyBody>(
          servers[to].baseUrl,
          sent.filter((s) => s.to === to).map((s) => s.spec),
          128,
        ),
      ),
    );
    // Back in the order of `sent`.
    const queues = [first.replies, second.replies].map((replies) => [...replies]);
    const replies: Reply<BuyBody>[] = sent.map((s) => queues[s.to].shift() as Reply<BuyBody>);
    const answered = (productId: number) => replies.filter((_, i) => sent[i].productId === productId);

    // Every request answered: a sale or the product's own refusal, nothing else.
    expect(tally(replies.map((r) => r.status))).toEqual({
      '201': expect.any(Number),
      '409': expect.any(Number),
    });
    expect(
      tally(
        answered(1)
          .filter((r) => r.status === 409)
          .map((r) => r.body.code),
      ),
    ).toEqual({
      [ErrorCode.SoldOut]: expect.any(Number),
    });
    expect(
      tally(
        answered(2)
          .filter((r) => r.status === 409)
          .map((r) => r.body.code),
      ),
    ).toEqual({
      [ErrorCode.LimitReached]: expect.any(Number),
    });

    // A key sent to both processes: one sale and its replay, or (sold out by then) two refusals.
    const byKey = new Map<string, Reply<BuyBody>[]>();
    sent.forEach((s, i) => s.key !== null && byKey.set(s.key, [...(byKey.get(s.key) ?? []), replies[i]]));
    for (const [key, pair] of byKey) {
      const statuses = pair.map((r) => r.status);
      if (statuses.includes(201)) {
        expect({ key, statuses }).toEqual({ key, statuses: [201, 201] });
        expect(pair[0].body.orderId).toBe(pair[1].body.orderId);
        expect(pair.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(1);
      } else {
        expect({ key, statuses }).toEqual({ key, statuses: [409, 409] });
      }
    }

    const fresh = (productId: number) =>
      successes(answered(productId).filter((r) => r.headers['idempotent-replayed'] !== 'true'));
    const sold1 = fresh(1);
    const sold2 = fresh(2);
    // Exactly the stock: demand (1,550 distinct would-be sales) exceeds it.
    expect(sold1).toHaveLength(STOCK);
    expect(expectSerialHistory(sold1, STOCK)).toBe(0);
    // Each buyer exactly up to their limit, across both processes and under keys too.
    expect(sold2).toHaveLength(BUYERS * LIMIT);
    expect(expectSerialHistory(sold2, LIMITED_STOCK)).toBe(LIMITED_STOCK - BUYERS * LIMIT);

    // Every 201 is a row in orders and no order is missing; the quantities add up.
    const sql = new Client({ connectionString: database.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{
        id: string;
        product_id: string;
        quantity: number;
        buyer_id: string | null;
      }>('SELECT id, product_id, quantity, buyer_id FROM orders');
      const answeredIds = [...sold1, ...sold2].map((s) => s.orderId).sort();
      expect(new Set(answeredIds).size).toBe(answeredIds.length);
      expect(rows.map((r) => r.id).sort()).toEqual(answeredIds);
      expect(sum(rows.filter((r) => Number(r.product_id) === 1).map((r) => r.quantity))).toBe(STOCK);
      expect(tally(rows.filter((r) => Number(r.product_id) === 2).map((r) => r.buyer_id ?? 'none'))).toEqual(
        Object.fromEntries(buyers.map((b) => [b.buyer.id, LIMIT])),
      );
      const { rows: products } = await sql.query<{ id: string; stock: number; available: number }>(
        'SELECT id, stock, available FROM products ORDER BY id',
      );
      expect(products.map((p) => [Number(p.id), p.stock, p.available])).toEqual([
        [1, STOCK, 0],
        [2, LIMITED_STOCK, LIMITED_STOCK - BUYERS * LIMIT],
      ]);
    } finally {
      await sql.end();
    }
    for (const server of servers) expect(await availableOf(server.baseUrl, 1)).toBe(0);

    console.log(
      `two processes on PostgreSQL: ${sent.length} purchases (${first.sockets}+${second.sockets} sockets) → ` +
        `product 1: ${sold1.length} sold of ${STOCK}, product 2: ${sold2.length} units to ${BUYERS} buyers; ` +
        `${byKey.size} keys sent twice`,
    );
  }, 120_000);
});
