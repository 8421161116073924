import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { AuditEntry, ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import { CatalogEntry, InventoryStore, PurchaseService } from '@gtd/api-inventory';
import { DependencyUnavailable } from '@gtd/api-platform';
import { createFeatureTestApp } from '@gtd/api-testing';
import { FakeClock } from '@gtd/testing';
import { TicketsModule, TicketsService } from '@gtd/api-tickets';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { AdminModule } from './admin.module';

const TOKEN = 'operator-token-0123456789';
const NOW = '2026-11-20T12:00:00.000Z';
const BUYER = '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001';
const CATALOG: CatalogEntry[] = [
  {
    id: 1,
    name: 'Golden Ticket',
    description: '',
    price: 5000,
    currency: 'EUR',
    stock: 10,
    perBuyerLimit: 2,
  },
];

describe('POST /admin/orders/:orderId/cancel', () => {
  let app: INestApplication;
  let clock: FakeClock;
  const cancel = (orderId: string) =>
    request(app.getHttpServer())
      .post(`/admin/orders/${orderId}/cancel`)
      .set('Authorization', `Bearer ${TOKEN}`);
  const admin = (path: string) =>
    request(app.getHttpServer()).get(path).set('Authorization', `Bearer ${TOKEN}`);
  const buy = async (quantity: number) =>
    (
      await app
        .get(PurchaseService)
        .purchase({ productId: 1, quantity, buyerId: BUYER, idempotencyKey: null })
    ).orderId;
  const cancels = async (): Promise<AuditEntry[]> =>
    (await admin('/admin/audit?action=order.cancel').expect(200)).body;

  beforeEach(async () => {
    clock = new FakeClock(NOW);
    app = await createFeatureTestApp(
      [...waitingRoomModules(), TicketsModule.forRoot({}), AdminModule.forRoot({ adminToken: TOKEN })],
      CATALOG,
      {},
      { clock },
    );
  });

  afterEach(() => app.close());

  it('cancels: the units back on sale, the buyer may buy again, the order listed as cancelled, audited', async () => {
    const orderId = await buy(2);
    clock.advance(60_000);
    const cancelledAt = new Date(Date.parse(NOW) + 60_000).toISOString();
    const res = await cancel(orderId).expect(200);
    expect(res.body).toEqual({
      order: {
        orderId,
        productId: 1,
        quantity: 2,
        unitPrice: 5000,
        currency: 'EUR',
        total: 10000,
        createdAt: NOW,
        status: 'cancelled',
        cancelledAt,
        buyerId: BUYER,
      },
      available: 10,
    });
    expect((await admin('/admin/products/1/orders').expect(200)).body.items).toEqual([res.body.order]);
    expect((await admin('/admin/products/1/summary').expect(200)).body).toMatchObject({
      stock: 10,
      sold: 0,
      available: 10,
      orders: 0,
      buyers: 0,
    });
    const [entry] = await cancels();
    expect(entry).toMatchObject({
      action: 'order.cancel',
      productId: 1,
      details: { orderId, quantity: 2, buyerId: BUYER, available: { before: 8, after: 10 } },
    });
    // The limit of 2 counts only what stands: the buyer buys 2 again.
    await buy(2);
    const csv = (await admin('/admin/products/1/orders/export').expect(200)).text.split('\r\n');
    expect(csv[1].split(',').slice(-2)).toEqual(['cancelled', cancelledAt]);
    expect(csv[2].split(',').slice(-2)).toEqual(['sold', '']);
  });

  it('a second cancel is 409 ORDER_ALREADY_CANCELLED with the first one’s time; nothing more changes or is audited', async () => {
    const orderId = await buy(1);
    await cancel(orderId).expect(200);
    clock.advance(5_000);
    const again = await cancel(orderId).expect(409);
    expect(again.body).toMatchObject({
      code: ErrorCode.OrderAlreadyCancelled,
      productId: 1,
      cancelledAt: NOW,
    });
    expect((await admin('/admin/products/1').expect(200)).body.available).toBe(10);
    expect(await cancels()).toHaveLength(1);
  });

  it('answers 404 for an unknown order, 400 for an id that is not a UUID, 401 without the token', async () => {
    expect((await cancel(randomUUID()).expect(404)).body.code).toBe(ErrorCode.OrderNotFound);
    const bad = await cancel('not-a-uuid').expect(400);
    expect(bad.body).toMatchObject({
      code: ErrorCode.ValidationFailed,
      errors: [{ field: 'orderId', messages: ['orderId must be a UUID'] }],
    });
    const orderId = await buy(1);
    const anonymous = await request(app.getHttpServer()).post(`/admin/orders/${orderId}/cancel`).expect(401);
    expect(anonymous.body.code).toBe(ErrorCode.Unauthorized);
    expect((await admin(`/admin/products/1`).expect(200)).body.available).toBe(9);
    expect(await cancels()).toEqual([]);
  });

  it.each([
    [new DependencyUnavailable('sqlite', false), PurchaseFaultOutcome.NotMade, /was not cancelled/],
    [new DependencyUnavailable('postgres', true), PurchaseFaultOutcome.Unknown, /may have been made/],
    [new Error('socket hang up'), PurchaseFaultOutcome.Unknown, /may have been made/],
  ])(
    'a store fault (%s) is 503 saying whether the cancel was made, and is not audited',
    async (fault, outcome, detail) => {
      const orderId = await buy(1);
      jest.spyOn(app.get<InventoryStore>(InventoryStore), 'cancelOrder').mockRejectedValueOnce(fault);
      const res = await cancel(orderId).expect(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body).toMatchObject({ code: ErrorCode.ServiceUnavailable, cancel: outcome });
      expect(res.body.detail).toMatch(detail);
      expect(await cancels()).toEqual([]);
    },
  );

  it("the door refuses a cancelled order's ticket with 409 TICKET_REVOKED", async () => {
    const orderId = await buy(1);
    const { ticket } = await app.get(TicketsService).ticketOf(orderId);
    await cancel(orderId).expect(200);
    const scan = await request(app.getHttpServer())
      .post('/admin/check-ins')
      .set('Authorization', `Bearer ${TOKEN}`)
      .send({ ticket, scanner: 'north-gate' })
      .expect(409);
    expect(scan.body).toMatchObject({ code: ErrorCode.TicketRevoked, cancelledAt: NOW });
  });
});
