import { DependencyUnavailable, DomainError } from '@gtd/api-platform';
import { ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import {
  createTestDatabase,
  describeWithService,
  leaseRedisDatabase,
  RedisDatabaseLease,
  TestDatabase,
  uniqueRedisPrefix,
} from '@gtd/testing';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { AddressInfo, createConnection, createServer, Server, Socket } from 'node:net';
import { CatalogEntry } from '../../catalog';
import { systemClock } from '../../clock';
import { PurchaseCommand } from '../../inventory-store';
import { PurchaseService } from '../../purchase.service';
import { RejectionTally } from '../../rejection-tally';
import { Stores } from '../../stores';
import { PURCHASE_LUA, RedisKeys } from './redis-scripts';
import { openRedisStores } from './redis-stores';

/**
 * A purchase script Redis ran whose reply never came back (the connection dropped in between) must
 * be answered "unknown", and never be sent a second time by ioredis after it reconnects: that
 * second run is a second sale nobody asked for.
 */

const catalog: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 100 },
];

const command = (): PurchaseCommand => ({
  productId: 1,
  quantity: 1,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: '',
  nowMs: Date.now(),
});

/** Above the 10 s hang detector, so a purchase that never settles is reported as such. */
const TIMEOUT_MS = 30_000;

const PURCHASE_SHA = createHash('sha1').update(PURCHASE_LUA).digest('hex');

/**
 * Forwards TCP both ways between the store and the test Redis. Armed, it lets the next purchase
 * script through to Redis, swallows Redis's reply to it and drops that client connection: Redis
 * ran the script, the client never hears. Everything else (and the reconnect) is forwarded.
 */
class ReplyLosingProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private armed = false;
  /** How many purchase replies were swallowed. */
  swallowed = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.pipe(client));
  }

  async listen(): Promise<number> {
    await new Promise<void>((listening) => this.server.listen(0, '127.0.0.1', listening));
    return (this.server.address() as AddressInfo).port;
  }

  arm(): void {
    this.armed = true;
  }

  private pipe(client: Socket): void {
    const upstream = createConnection(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    let awaitingReply = false;
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (this.armed && (text.includes(PURCHASE_SHA) || text.includes(PURCHASE_LUA.slice(0, 60)))) {
        this.armed = false;
        awaitingReply = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      // The script's reply is an array led by its verdict; replies before it (other commands on
      // this connection) still reach the client.
      if (
        awaitingReply &&
        /\$\d+\r\n(sold|replay|rejected|mismatch|not-ready)\r\n/.test(chunk.toString('latin1'))
      ) {
        awaitingReply = false;
        this.swallowed++;
        client.destroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((closed) => this.server.close(closed));
  }
}

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition().catch(() => false)) return;
    await new Promise((later) => setTimeout(later, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })(
  'a purchase whose reply is lost',
  () => {
    let lease: RedisDatabaseLease;
    let database: TestDatabase;
    let proxy: ReplyLosingProxy;
    let stores: Stores;
    let direct: Redis;
    let service: PurchaseService;
    const keyPrefix = uniqueRedisPrefix('gtd_reply_lost');

    const stock = async () => Number(await direct.get(RedisKeys.available(1)));
    /** Settles within 10 s (a hang detector): the purchase must not wait forever for a lost reply. */
    const settled = <T>(promise: Promise<T>) =>
      Promise.race([
        promise.then(
          (value) => ({ value }),
          (error: unknown) => ({ error }),
        ),
        new Promise<{ hung: true }>((hung) => setTimeout(() => hung({ hung: true }), 10_000).unref()),
      ]);

    beforeAll(async () => {
      lease = await leaseRedisDatabase();
      database = await createTestDatabase({ label: 'gtd_reply_lost' });
      const target = new URL(lease.url);
      proxy = new ReplyLosingProxy({ host: target.hostname, port: Number(target.port) });
      const proxied = new URL(lease.url);
      proxied.port = String(await proxy.listen());
      // The shared test Redis runs without AOF: accepted here, as in the other store specs.
      stores = await openRedisStores({
        redisUrl: proxied.toString(),
        databaseUrl: database.url,
        keyPrefix,
        durability: 'accept-loss',
      });
      await stores.inventory.seedIfEmpty(catalog);
      direct = new Redis(lease.url, { keyPrefix });
      const tally = new RejectionTally(stores.inventory);
      service = new PurchaseService(
        stores.inventory,
        { store: 'redis', catalogPath: 'unused', maxQuantityPerPurchase: 10 },
        systemClock,
        tally,
      );
      // Loads the script into Redis's cache, so the armed purchase is one EVALSHA.
      expect(await stores.inventory.purchase(command())).toMatchObject({ ok: true });
    }, TIMEOUT_MS);

    afterAll(async () => {
      await stores?.close();
      direct?.disconnect();
      await proxy?.close();
      await database?.drop();
      await lease?.release();
    });

    it(
      'is in doubt (reached), sold once, and the store sells again after reconnecting',
      async () => {
        const before = await stock();
        proxy.arm();
        const result = await settled(stores.inventory.purchase(command()));
        expect(proxy.swallowed).toBe(1);
        const sold = before - (await stock());
        expect({ result, sold }).toMatchObject({
          result: { error: expect.any(DependencyUnavailable) },
          sold: 1,
        });
        expect((result as { error: DependencyUnavailable }).error).toMatchObject({
          dependency: 'redis',
          reached: true,
        });

        await until(
          async () => (await stores.inventory.inventory(1))?.available === before - 1,
          'a reconnect',
        );
        expect(await stores.inventory.purchase(command())).toMatchObject({ ok: true, remaining: before - 2 });
        expect(await stock()).toBe(before - 2);
      },
      TIMEOUT_MS,
    );

    it(
      'through PurchaseService: a 503 with purchase UNKNOWN, and one unit sold',
      async () => {
        await until(async () => (await stores.inventory.inventory(1)) !== undefined, 'a reconnect');
        const before = await stock();
        proxy.arm();
        const result = await settled(service.purchase({ productId: 1, quantity: 1 }));
        const sold = before - (await stock());
        expect({ result, sold }).toMatchObject({ result: { error: expect.any(DomainError) }, sold: 1 });
        expect((result as { error: DomainError }).error).toMatchObject({
          code: ErrorCode.ServiceUnavailable,
          extensions: { purchase: PurchaseFaultOutcome.Unknown },
        });
      },
      TIMEOUT_MS,
    );
  },
);
