import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ErrorCode, QUEUE_TICKET_HEADER, QueueStatus, QueueTicket } from '@gtd/shared-contracts';
import { CatalogEntry, PurchaseService, QueueSettingsRecord, QueueStore } from '@gtd/api-inventory';
import { BuyersModule, BuyerTokens } from '@gtd/api-buyers';
import { createFeatureTestApp } from '@gtd/api-testing';
import { FakeClock } from '@gtd/testing';
import { AdmissionLeader } from './admission-leader';
import { QueueModule } from './queue.module';
import { QueuePassGate } from './queue-pass-gate';
import { QueuePositions } from './queue-positions';
import { QUEUE_DEFAULTS } from './queue-rules';
import { QueueService } from './queue.service';
import { STATUS_REUSE_MS } from './queue-status-board';

const OPENS = '2030-01-01T12:00:00.000Z';
const OPENS_MS = Date.parse(OPENS);
const CATALOG: CatalogEntry[] = [
  {
    id: 1,
    name: 'Golden Ticket',
    description: '',
    price: 5000,
    currency: 'EUR',
    stock: 100,
    startsAt: OPENS,
  },
  { id: 2, name: 'Open drop', description: '', price: 100, currency: 'EUR', stock: 3 },
  { id: 3, name: 'No queue', description: '', price: 100, currency: 'EUR', stock: 3 },
];

const settings = (productId: number, extra: Partial<QueueSettingsRecord> = {}): QueueSettingsRecord => ({
  productId,
  enabled: true,
  ...QUEUE_DEFAULTS,
  ...extra,
});

describe('the waiting room (memory store, the clock moved by hand)', () => {
  let app: INestApplication;
  let clock: FakeClock;
  let leader: AdmissionLeader;
  const http = () => request(app.getHttpServer());
  const status = async (id: number): Promise<QueueStatus> =>
    (await http().get(`/products/${id}/queue`).expect(200)).body;
  const join = async (id: number, auth?: string): Promise<QueueTicket> => {
    const call = http().post(`/products/${id}/queue`).send({});
    return (await (auth ? call.set('Authorization', auth) : call).expect(201)).body;
  };
  const signedIn = () =>
    `Bearer ${app.get(BuyerTokens).issue({ id: randomUUID(), email: `${randomUUID()}@example.com` }).accessToken}`;
  /** One admission beat, and the status reuse window passed so the next status is fresh. */
  const beat = async () => {
    await leader.tick();
    clock.advance(STATUS_REUSE_MS);
  };

  beforeEach(async () => {
    clock = new FakeClock(OPENS_MS - 3_600_000);
    app = await createFeatureTestApp(
      [
        BuyersModule.forRoot({ tokenTtlSeconds: 3600 }),
        QueueModule.forRoot({ joinRateLimitPerMinute: 0, statusPollMs: 2000 }),
      ],
      CATALOG,
      {},
      { clock },
    );
    const store = app.get<QueueStore>(QueueStore);
    await store.saveSettings(settings(1, { preQueueOpensAtMs: OPENS_MS - 1_800_000 }));
    await store.saveSettings(settings(2, { order: 'fifo', admissionsPerMinute: 60 }));
    leader = app.get(AdmissionLeader);
    await leader.tick();
  });

  afterEach(() => app.close());

  it('answers 404 for a drop without a queue or no such product, 400 for a bad id', async () => {
    expect((await http().get('/products/3/queue').expect(404)).body.code).toBe(ErrorCode.QueueNotEnabled);
    expect((await http().get('/products/99/queue').expect(404)).body.code).toBe(ErrorCode.ProductNotFound);
    expect((await http().post('/products/3/queue').send({}).expect(404)).body.code).toBe(
      ErrorCode.QueueNotEnabled,
    );
    expect((await http().get('/products/abc/queue').expect(400)).body.code).toBe(ErrorCode.ValidationFailed);
  });

  it('is closed before the pre-queue opens, then takes pre-queue joins without a place until the draw', async () => {
    expect(await status(1)).toMatchObject({ state: 'closed', joined: 0 });
    expect((await http().post('/products/1/queue').send({}).expect(409)).body.code).toBe(
      ErrorCode.QueueClosed,
    );
    clock.set(OPENS_MS - 1_800_000);
    const ticket = await join(1);
    expect(ticket).toMatchObject({ productId: 1, position: null, preQueue: true });
    const response = await http().get('/products/1/queue').expect(200);
    expect(response.body).toMatchObject({
      state: 'pre_queue',
      joined: 1,
      waiting: 1,
      admittedThrough: 0,
      pollAfterMs: 2000,
    });
    expect(response.headers['cache-control']).toBe('public, max-age=0, s-maxage=1, stale-while-revalidate=2');
    await http().get('/products/1/queue').set('If-None-Match', response.headers['etag']).expect(304);
    const position = await http()
      .get('/products/1/queue/position')
      .set(QUEUE_TICKET_HEADER, ticket.ticket)
      .expect(200);
    expect(position.body).toMatchObject({ position: null, preQueue: true, number: 1 });
    expect(position.headers['cache-control']).toBe('private, no-store');
    // Nothing is drawn yet: no block of the order exists.
    const early = await http().get('/products/1/queue/order/1').expect(409);
    expect(early.body.code).toBe(ErrorCode.QueueNotDrawn);
  });

  it('draws 10,000 pre-queue joiners into a uniformly shuffled line at the opening (χ², 81 df)', async () => {
    clock.set(OPENS_MS - 60_000);
    const queue = app.get(QueueService);
    const tickets: QueueTicket[] = [];
    for (let i = 0; i < 10_000; i += 1_000) {
      tickets.push(
        ...(await Promise.all(Array.from({ length: 1_000 }, () => queue.join(1, null, undefined)))).map(
          (j) => j.ticket,
        ),
      );
    }
    clock.set(OPENS_MS);
    await beat();
    // Through the service for a sample (it verifies the ticket), from the drawn order for all of them.
    for (const t of tickets.slice(0, 50)) expect((await queue.position(1, t.ticket)).position).not.toBeNull();
    const progress = await app.get<QueueStore>(QueueStore).progress(1);
    const places = app.get(QueuePositions);
    const positions = await Promise.all(
      tickets.map((_, i) => places.positionOf(1, { kind: 'pre', n: i + 1 }, progress)),
    );
    expect([...positions].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 10_000 }, (_, i) => i + 1),
    );
    const cells = new Array<number>(100).fill(0);
    positions.forEach(
      (position, i) => cells[Math.floor(i / 1000) * 10 + Math.floor(((position ?? 1) - 1) / 1000)]++,
    );
    const chiSquare = cells.reduce((sum, count) => sum + (count - 100) ** 2 / 100, 0);
    // Crypto randomness: χ²(81) at p = 10⁻⁶ is about 155, so a fair draw fails once in a million runs.
    expect(chiSquare).toBeLessThan(155);
    // Not the arrival order: a fifo draw would put the first 1,000 joiners in the first 1,000 places.
    expect(cells[0]).toBeLessThan(300);
    // Joining after the opening lines up behind the whole pre-queue.
    expect((await queue.join(1, null, undefined)).ticket).toMatchObject({
      position: 10_001,
      preQueue: false,
      number: 1,
    });

    // The same places in cacheable blocks of 1,000, for everyone: the ticket's number names its block.
    const block = async (b: number) => http().get(`/products/1/queue/order/${b}`).expect(200);
    const fromBlocks: number[] = [];
    for (let b = 1; b <= 10; b++) {
      const answer = await block(b);
      expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(answer.body).toMatchObject({ productId: 1, block: b, firstTicket: (b - 1) * 1000 + 1 });
      fromBlocks.push(...answer.body.positions);
    }
    expect(fromBlocks).toEqual(positions);
    const sample = tickets[4711];
    expect(sample.number).toBe(4712);
    expect(fromBlocks[sample.number - 1]).toBe((await queue.position(1, sample.ticket)).position);
    const etag = (await block(5)).headers['etag'];
    await http().get('/products/1/queue/order/5').set('If-None-Match', etag).expect(304);
    const past = await http().get('/products/1/queue/order/11').expect(400);
    expect(past.body.errors).toEqual([
      { field: 'block', messages: ['block must be at most 10 (10000 joined the pre-queue)'] },
    ]);
    await http().get('/products/1/queue/order/0').expect(400);
    // 10,000 joins and their checks: room on a busy machine, not a speed claim.
  }, 60_000);

  it('admits fifo in join order at the set rate, and a pass only at the turn', async () => {
    // Open since creation: its (empty) pre-queue was drawn on the first beat, so places are known at once.
    const tickets = [await join(2), await join(2), await join(2)];
    expect(tickets.map((t) => t.position)).toEqual([1, 2, 3]);
    await beat();
    const placed = await Promise.all(
      tickets.map(
        async (t) =>
          (await http().get('/products/2/queue/position').set(QUEUE_TICKET_HEADER, t.ticket)).body.position,
      ),
    );
    expect(placed).toEqual([1, 2, 3]);
    // 60 a minute, and the first beat may catch up two seconds: positions 1 and 2.
    expect(await status(2)).toMatchObject({ state: 'admitting', admittedThrough: 2, waiting: 1 });
    const early = await http()
      .post('/products/2/queue/pass')
      .set(QUEUE_TICKET_HEADER, tickets[2].ticket)
      .expect(409);
    expect(early.body).toMatchObject({ code: ErrorCode.QueueNotYourTurn, position: 3, admittedThrough: 2 });
    const pass = await http()
      .post('/products/2/queue/pass')
      .set(QUEUE_TICKET_HEADER, tickets[0].ticket)
      .expect(201);
    expect(pass.body).toMatchObject({ productId: 2, position: 1 });
    expect(Date.parse(pass.body.expiresAt)).toBe(
      clock.now() - STATUS_REUSE_MS + QUEUE_DEFAULTS.passLifetimeMs,
    );
  });

  it('refuses forged tickets, another drop’s tickets, and another buyer’s ticket', async () => {
    const ticket = await join(2);
    const forged = `${ticket.ticket.slice(0, -4)}AAAA`;
    for (const bad of [forged, 'not-a-token', undefined]) {
      const call = http().get('/products/2/queue/position');
      const answer = await (bad === undefined ? call : call.set(QUEUE_TICKET_HEADER, bad)).expect(403);
      expect(answer.body.code).toBe(ErrorCode.QueueTicketInvalid);
    }
    clock.set(OPENS_MS - 60_000);
    const otherDrop = await join(1);
    await http().get('/products/2/queue/position').set(QUEUE_TICKET_HEADER, otherDrop.ticket).expect(403);
    const ana = signedIn();
    const anasTicket = await join(2, ana);
    const again = await http().post('/products/2/queue').set('Authorization', ana).send({}).expect(200);
    expect(again.body.ticket).toBe(anasTicket.ticket);
    await beat();
    const stolen = await http()
      .post('/products/2/queue/pass')
      .set(QUEUE_TICKET_HEADER, anasTicket.ticket)
      .set('Authorization', signedIn())
      .expect(403);
    expect(stolen.body.code).toBe(ErrorCode.QueueTicketInvalid);
    await http()
      .post('/products/2/queue/pass')
      .set(QUEUE_TICKET_HEADER, anasTicket.ticket)
      .set('Authorization', ana)
      .expect(201);
  });

  it('lets a pass buy until it expires; an anonymous pass buys once, a refused attempt gives it back', async () => {
    const ticket = await join(2);
    await beat();
    await http().get('/products/2/queue/position').set(QUEUE_TICKET_HEADER, ticket.ticket).expect(200);
    const { pass } = (
      await http().post('/products/2/queue/pass').set(QUEUE_TICKET_HEADER, ticket.ticket).expect(201)
    ).body;
    const gate = app.get(QueuePassGate);
    const purchases = app.get(PurchaseService);
    const buy = async (header: string | undefined, quantity = 1, key: string | null = randomUUID()) => {
      const admitted = await gate.admit(2, header, null, key);
      return gate.settleWith(admitted, purchases.decide({ productId: 2, quantity, idempotencyKey: key }));
    };
    await expect(buy(undefined)).rejects.toMatchObject({ code: ErrorCode.QueuePassRequired });
    await expect(buy('forged.pass.token')).rejects.toMatchObject({ code: ErrorCode.QueuePassInvalid });
    expect(gate.requiresPass(3)).toBe(false);
    // Refused by the store (more than is left): nothing changed, the pass is given back.
    expect(await buy(pass, 4)).toMatchObject({ ok: false });
    await new Promise((resolve) => setImmediate(resolve));
    const key = randomUUID();
    expect(await buy(pass, 1, key)).toMatchObject({ ok: true });
    expect(await buy(pass, 1, key)).toMatchObject({ ok: true, receipt: { replayed: true } });
    await expect(buy(pass, 1)).rejects.toMatchObject({ code: ErrorCode.QueuePassUsed });
    clock.advance(QUEUE_DEFAULTS.passLifetimeMs);
    await expect(buy(pass)).rejects.toMatchObject({ code: ErrorCode.QueuePassExpired });
    await http().post('/products/2/queue/pass').set(QUEUE_TICKET_HEADER, ticket.ticket).expect(403);
  });

  it('admits 5,000 joiners for 100 units by the stock: exactly 100 sold, few admitted for nothing, sold out for everyone', async () => {
    const store = app.get<QueueStore>(QueueStore);
    await store.saveSettings(settings(1, { stockMultiple: 1.2 }));
    clock.set(OPENS_MS - 60_000);
    const queue = app.get(QueueService);
    const gate = app.get(QueuePassGate);
    const purchases = app.get(PurchaseService);
    const tickets: string[] = [];
    for (let i = 0; i < 5_000; i += 500) {
      const joins = await Promise.all(Array.from({ length: 500 }, () => queue.join(1, null, undefined)));
      tickets.push(...joins.map((j) => j.ticket.ticket));
    }
    clock.set(OPENS_MS);
    const byPosition = new Map<number, string>();
    let sold = 0;
    let soldOutAfterAdmission = 0;
    let admittedSeen = 0;
    for (let beats = 0; beats < 50 && sold < 100; beats++) {
      await beat();
      if (byPosition.size === 0) {
        for (const t of tickets) byPosition.set((await queue.position(1, t)).position ?? 0, t);
      }
      const { admittedThrough } = await status(1);
      // Every newly admitted visitor takes the pass and presses Buy now at once, all in flight together.
      const outcomes = await Promise.all(
        Array.from({ length: admittedThrough - admittedSeen }, async (_, i) => {
          const ticket = byPosition.get(admittedSeen + i + 1) as string;
          const { pass } = await queue.pass(1, ticket, null);
          const key = randomUUID();
          const admitted = await gate.admit(1, pass, null, key);
          return gate.settleWith(
            admitted,
            purchases.decide({ productId: 1, quantity: 1, idempotencyKey: key }),
          );
        }),
      );
      admittedSeen = admittedThrough;
      sold += outcomes.filter((o) => o.ok).length;
      soldOutAfterAdmission += outcomes.filter((o) => !o.ok).length;
    }
    expect(sold).toBe(100);
    // The multiple is 1.2: at most a sixth of those admitted can find nothing left.
    expect(soldOutAfterAdmission).toBeLessThanOrEqual(Math.ceil(admittedSeen / 6));
    clock.advance(STATUS_REUSE_MS);
    expect(await status(1)).toMatchObject({ state: 'sold_out', available: 0, admittedThrough: admittedSeen });
    await beat();
    expect((await status(1)).admittedThrough).toBe(admittedSeen);
  }, 60_000);
});
