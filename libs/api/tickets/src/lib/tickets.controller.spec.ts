import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ErrorCode, OrderTicket } from '@gtd/shared-contracts';
import { InventoryStore, PurchaseService, TicketStore } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { FakeClock } from '@gtd/testing';
import { TicketsModule } from './tickets.module';
import { TicketsService } from './tickets.service';

const SOLD_AT = Date.parse('2030-01-01T18:00:00.000Z');

describe('tickets (memory store)', () => {
  let app: INestApplication;
  let clock: FakeClock;
  const http = () => request(app.getHttpServer());
  const buy = async (quantity = 1) =>
    (await app.get(PurchaseService).purchase({ productId: 1, quantity, buyerId: null, idempotencyKey: null }))
      .orderId;
  const ticketOf = async (orderId: string): Promise<OrderTicket> =>
    (await http().get(`/orders/${orderId}/ticket`).expect(200)).body;

  beforeEach(async () => {
    clock = new FakeClock(SOLD_AT);
    app = await createFeatureTestApp(
      [TicketsModule.forRoot({})],
      [{ id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 500 }],
      {},
      { clock },
    );
  });

  afterEach(() => app.close());

  it("hands out an order's ticket, private, verifiable with the published key", async () => {
    const orderId = await buy(2);
    const res = await http().get(`/orders/${orderId}/ticket`).expect(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    const keys = await http().get('/tickets/keys').expect(200);
    expect(keys.headers['cache-control']).toBe('public, max-age=3600');
    expect(keys.body.keys).toHaveLength(1);
    expect(res.body).toEqual({
      orderId,
      productId: 1,
      quantity: 2,
      ticket: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      keyId: keys.body.keys[0].kid,
    });
  });

  it('answers 404 ORDER_NOT_FOUND for an unknown order, 400 for an id that is not a UUID', async () => {
    expect((await http().get(`/orders/${randomUUID()}/ticket`).expect(404)).body.code).toBe(
      ErrorCode.OrderNotFound,
    );
    const bad = await http().get('/orders/not-a-uuid/ticket').expect(400);
    expect(bad.body.errors).toEqual([{ field: 'orderId', messages: ['orderId must be a UUID'] }]);
  });

  it('admits a ticket once; later scans learn when and where it got in', async () => {
    const { ticket, orderId } = await ticketOf(await buy(3));
    const tickets = app.get(TicketsService);
    clock.advance(60_000);
    expect(await tickets.checkIn(ticket, 'north-gate')).toEqual({
      orderId,
      productId: 1,
      quantity: 3,
      checkedInAt: new Date(SOLD_AT + 60_000).toISOString(),
      scanner: 'north-gate',
    });
    clock.advance(5_000);
    await expect(tickets.checkIn(ticket, 'south-gate')).rejects.toMatchObject({
      code: ErrorCode.AlreadyCheckedIn,
      extensions: { checkedInAt: new Date(SOLD_AT + 60_000).toISOString(), scanner: 'north-gate' },
    });
    // The same order's ticket fetched again is the same ticket, already used.
    const again = await ticketOf(orderId);
    await expect(tickets.checkIn(again.ticket, 'north-gate')).rejects.toMatchObject({
      code: ErrorCode.AlreadyCheckedIn,
    });
  });

  it('admits exactly one of 100 concurrent scans, and each order only its own ticket', async () => {
    const orders = await Promise.all([buy(), buy()]);
    const [first, second] = await Promise.all(orders.map(ticketOf));
    const tickets = app.get(TicketsService);
    const scans = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) =>
        tickets.checkIn(i % 2 ? first.ticket : second.ticket, `gate-${i}`),
      ),
    );
    const admitted = scans.filter((s) => s.status === 'fulfilled');
    expect(admitted).toHaveLength(2);
    expect(
      scans.filter((s) => s.status === 'rejected' && s.reason.code === ErrorCode.AlreadyCheckedIn),
    ).toHaveLength(98);
  });

  it('refuses a forged ticket with TICKET_INVALID and records nothing', async () => {
    const { ticket } = await ticketOf(await buy());
    const [header, payload, signature] = ticket.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...claims, qty: 9 })).toString('base64url')}.${signature}`;
    const tickets = app.get(TicketsService);
    await expect(tickets.checkIn(forged, 'north-gate')).rejects.toMatchObject({
      code: ErrorCode.TicketInvalid,
    });
    // The genuine ticket still admits: the forgery used nothing up.
    await expect(tickets.checkIn(ticket, 'north-gate')).resolves.toMatchObject({ quantity: 1 });
  });

  it("revokes a cancelled order's ticket: the door answers TICKET_REVOKED with when, and admits no one", async () => {
    const { ticket, orderId } = await ticketOf(await buy(2));
    const standing = await ticketOf(await buy(1));
    clock.advance(30_000);
    const cancelledAt = new Date(SOLD_AT + 30_000).toISOString();
    expect(await app.get<InventoryStore>(InventoryStore).cancelOrder(orderId, clock.now())).toMatchObject({
      ok: true,
    });
    const tickets = app.get(TicketsService);
    clock.advance(60_000);
    await expect(tickets.checkIn(ticket, 'north-gate')).rejects.toMatchObject({
      code: ErrorCode.TicketRevoked,
      extensions: { cancelledAt },
    });
    // Refused before the admission is written: no check-in row for it.
    expect(await app.get<TicketStore>(TicketStore).checkInOf(orderId)).toBeUndefined();
    const fetched = await http().get(`/orders/${orderId}/ticket`).expect(409);
    expect(fetched.body).toMatchObject({ code: ErrorCode.TicketRevoked, cancelledAt });
    // Another order's ticket is untouched.
    await expect(tickets.checkIn(standing.ticket, 'north-gate')).resolves.toMatchObject({ quantity: 1 });
  });
});
