import { HttpTestingController } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import type { MyOrdersPage, Order, OrderTicket } from '@gtd/shared-contracts';
import { firstValueFrom } from 'rxjs';
import { buyerSession, problem, provideDataAccessTesting } from '../../testing';
import { BuyerSession } from '../auth/buyer-session';
import { OrdersClient } from './orders-client';

const ID = '0b7f6a2e-2c1d-4e5f-8a9b-0c1d2e3f4a5b';

const ORDER: Order = {
  orderId: ID,
  productId: 1,
  quantity: 2,
  unitPrice: 5000,
  currency: 'EUR',
  total: 10000,
  createdAt: '2030-01-01T10:00:00.000Z',
  status: 'sold',
  cancelledAt: null,
};

describe('OrdersClient', () => {
  let http: HttpTestingController;
  let client: OrdersClient;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideDataAccessTesting()] });
    http = TestBed.inject(HttpTestingController);
    client = TestBed.inject(OrdersClient);
  });

  afterEach(() => http.verify());

  it('find: the order, null for ORDER_NOT_FOUND and for an id that is not one, an error otherwise', async () => {
    const found = firstValueFrom(client.find(ID));
    http.expectOne(`/orders/${ID}`).flush(ORDER);
    expect(await found).toEqual(ORDER);

    const missing = firstValueFrom(client.find(ID));
    http
      .expectOne(`/orders/${ID}`)
      .flush(problem(404, 'ORDER_NOT_FOUND'), { status: 404, statusText: 'Not Found' });
    expect(await missing).toBeNull();

    const malformed = firstValueFrom(client.find('a/b'));
    http
      .expectOne('/orders/a%2Fb')
      .flush(problem(400, 'VALIDATION_FAILED'), { status: 400, statusText: 'Bad Request' });
    expect(await malformed).toBeNull();

    const down = firstValueFrom(client.find(ID));
    http
      .expectOne(`/orders/${ID}`)
      .flush(problem(503, 'SERVICE_UNAVAILABLE'), { status: 503, statusText: 'x' });
    await expect(down).rejects.toMatchObject({ status: 503 });
  });

  it('ticket: the signed ticket, null for an unknown order', async () => {
    const ticket: OrderTicket = { orderId: ID, productId: 1, quantity: 2, ticket: 'a.b.c', keyId: 'k1' };
    const found = firstValueFrom(client.ticket(ID));
    http.expectOne(`/orders/${ID}/ticket`).flush(ticket);
    expect(await found).toEqual(ticket);

    const missing = firstValueFrom(client.ticket(ID));
    http
      .expectOne(`/orders/${ID}/ticket`)
      .flush(problem(404, 'ORDER_NOT_FOUND'), { status: 404, statusText: 'Not Found' });
    expect(await missing).toBeNull();
  });

  it('mine: a page of the buyer’s orders with the bearer token, the next one from its cursor', async () => {
    TestBed.inject(BuyerSession).start(buyerSession());
    const page: MyOrdersPage = { items: [{ ...ORDER, productName: 'Golden Ticket' }], nextCursor: 'c1' };
    const first = firstValueFrom(client.mine());
    const req = http.expectOne('/me/orders');
    expect(req.request.params.keys()).toEqual([]);
    expect(req.request.headers.get('Authorization')).toBe('Bearer token-1');
    req.flush(page);
    expect(await first).toEqual(page);

    const next = firstValueFrom(client.mine('c1', 10));
    http.expectOne('/me/orders?after=c1&limit=10').flush({ items: [], nextCursor: null });
    expect(await next).toEqual({ items: [], nextCursor: null });
  });
});
