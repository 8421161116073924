import { ErrorCode, PurchaseResult } from '@gtd/shared-contracts';
import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import {
  catalogWithStocks,
  cleanup,
  dropFiles,
  HTTP_ADAPTERS,
  makeTempDir,
  open,
  runUntilExit,
  send,
  startServer,
  tally,
  writeCatalog,
} from '@gtd/testing';
import { availableOf, BuyBody, buyRequest, fetchOrders, successes, sum } from '../support/drop';

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Resolves once every socket has completed its TCP handshake. */
function connected(sockets: Promise<Socket>[]): Promise<void> {
  return Promise.all(
    sockets.map((pending) =>
      pending.then((socket) =>
        socket.connecting ? new Promise<void>((done) => socket.once('connect', () => done())) : undefined,
      ),
    ),
  ).then(() => undefined);
}

describe('process lifecycle', () => {
  afterAll(cleanup);

  describe.each(HTTP_ADAPTERS)('SIGTERM with purchases in flight on %s', (httpAdapter) => {
    const STOCK = 60;
    const IN_FLIGHT = 100;

    it('answers every in-flight purchase, exits 0, and the store holds exactly what was confirmed', async () => {
      const options = {
        ...dropFiles(catalogWithStocks(STOCK)),
        env: { SHUTDOWN_TIMEOUT_MS: '30000', HTTP_ADAPTER: httpAdapter },
      };
      const server = await startServer(options);

      // Each purchase sends its headers and the first bytes of its body, then waits: the server has
      // begun every request but can finish none of them until the rest arrives.
      const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
      try {
        const partial = Array.from({ length: IN_FLIGHT }, () =>
          open<BuyBody>(server.baseUrl, buyRequest(1, 1), agent, 5),
        );
        await connected(
          partial.map(
            ({ req }) => new Promise<Socket>((done) => req.once('socket', (socket: Socket) => done(socket))),
          ),
        );
        // Connections are accepted in order: once a later one is answered, the server has read the
        // headers of all the partial requests above.
        const sentinel = await send(server.baseUrl, { path: '/health' });
        expect({
          status: sentinel.status,
          text: sentinel.text,
          log: sentinel.status === 200 ? '' : server.output(),
        }).toEqual({
          status: 200,
          text: expect.any(String),
          log: '',
        });

        server.child.kill('SIGTERM');
        // Wait (bounded) until the server has stopped accepting: new connections are refused.
        let refused = false;
        for (let attempt = 0; attempt < 200 && !refused; attempt++) {
          const probe = await send(server.baseUrl, { path: '/health', timeoutMs: 2000 });
          refused = probe.status === 0 && /ECONNREFUSED/.test(probe.error ?? '');
          if (!refused) await sleep(25);
        }
        expect(refused).toBe(true);

        // Now let the in-flight purchases finish.
        for (const { req, rest } of partial) req.end(rest);
        const replies = await Promise.all(partial.map((p) => p.reply));

        expect(replies.filter((r) => r.status === 0).map((r) => r.error)).toEqual([]);
        expect(tally(replies.map((r) => r.status))).toEqual({ '201': STOCK, '409': IN_FLIGHT - STOCK });
        expect(tally(replies.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual({
          [ErrorCode.SoldOut]: IN_FLIGHT - STOCK,
        });
        expect((await server.exited).code).toBe(0);

        const sold: PurchaseResult[] = successes(replies);
        const restarted = await startServer(options);
        const available = await availableOf(restarted.baseUrl, 1);
        expect(available + sum(sold.map((s) => s.quantity))).toBe(STOCK);
        const orders = await fetchOrders(
          restarted.baseUrl,
          sold.map((s) => s.orderId),
        );
        expect(tally(orders.map((o) => o.status))).toEqual({ '200': sold.length });
        expect(await restarted.stop()).toBe(0);

        console.log(
          `lifecycle: SIGTERM with ${IN_FLIGHT} purchases in flight, stock ${STOCK} → ${sold.length} × 201, ` +
            `${IN_FLIGHT - sold.length} × 409, exit 0, ${available} left after restart`,
        );
      } finally {
        agent.destroy();
      }
    });
  });

  describe('a malformed catalogue stops start-up with exit code 1 and names the problem', () => {
    const good = { id: 1, name: 'Golden Ticket', description: 'x', price: 5000, currency: 'EUR', stock: 10 };
    const VARIANTS: [name: string, content: string | null, problem: RegExp][] = [
      ['not JSON', '[{"id": 1, "name": "Golden Ticket",', /not valid JSON/i],
      ['not an array', JSON.stringify(good), /array/i],
      ['an empty array', '[]', /no products|empty/i],
      ['negative stock', JSON.stringify([{ ...good, stock: -1 }]), /stock/],
      ['fractional stock', JSON.stringify([{ ...good, stock: 1.5 }]), /stock/],
      ['a missing name', JSON.stringify([{ ...good, name: undefined }]), /name/],
      ['a negative price', JSON.stringify([{ ...good, price: -5 }]), /price/],
      ['a bad currency', JSON.stringify([{ ...good, currency: 'euro' }]), /currency/],
      ['a duplicate id', JSON.stringify([good, { ...good, name: 'Copy' }]), /id 1\b.*(twice|duplicate)/i],
      ['an unknown field', JSON.stringify([{ ...good, colour: 'gold' }]), /colour/],
      ['a missing file', null, /cannot be read|ENOENT|not found/i],
    ];

    it.each(VARIANTS)('%s', async (_name, content, problem) => {
      const dir = makeTempDir();
      const catalogPath = content === null ? join(dir, 'missing.json') : writeCatalog(dir, content);
      const result = await runUntilExit({
        PORT: '0',
        STORE: 'sqlite',
        SQLITE_PATH: join(dir, 'drop.sqlite'),
        CATALOG: catalogPath,
      });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: expect.any(String) });
      const message = result.stderr.slice(result.stderr.indexOf('Cannot start:'));
      expect(message).toMatch(/^Cannot start: /);
      expect(message).toContain(catalogPath);
      expect(message).toMatch(problem);
    });
  });

  describe('a bad environment variable stops start-up with exit code 1 and names the variable', () => {
    const VARIANTS: [variable: string, value: string][] = [
      ['PORT', 'abc'],
      ['PORT', '70000'],
      ['STORE', 'nope'],
      ['MAX_QUANTITY_PER_PURCHASE', '0'],
      ['SHUTDOWN_TIMEOUT_MS', 'soon'],
    ];

    it.each(VARIANTS)('%s=%s', async (variable, value) => {
      const { catalogPath, sqlitePath } = dropFiles(catalogWithStocks(1));
      const result = await runUntilExit({
        PORT: '0',
        STORE: 'sqlite',
        SQLITE_PATH: sqlitePath,
        CATALOG: catalogPath,
        [variable]: value,
      });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: expect.any(String) });
      const message = result.stderr.slice(result.stderr.indexOf('Cannot start:'));
      expect(message).toMatch(/^Cannot start: /);
      expect(message).toContain(variable);
      expect(message).toContain(value);
    });
  });
});
