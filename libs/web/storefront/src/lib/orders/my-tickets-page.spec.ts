import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { MyOrder, Order } from '@gtd/shared-contracts';
import { BuyerSession, OrderHistory } from '@gtd/web-data-access';
import { buyerSession, provideDataAccessTesting, problem } from '@gtd/web-data-access/testing';
import { MyTicketsPage } from './my-tickets-page';

const order = (n: number, extra: Partial<Order> = {}): Order => ({
  orderId: `00000000-0000-4000-8000-00000000000${n}`,
  productId: 1,
  quantity: n,
  unitPrice: 5000,
  currency: 'EUR',
  total: 5000 * n,
  createdAt: `2030-01-0${n}T10:00:00.000Z`,
  status: 'sold',
  cancelledAt: null,
  ...extra,
});

const mine = (n: number): MyOrder => ({ ...order(n), productName: `Drop ${n}` });

describe('MyTicketsPage', () => {
  let fixture: ComponentFixture<MyTicketsPage>;
  let http: HttpTestingController;
  let el: HTMLElement;

  const q = (testId: string) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const rows = (list: string) =>
    [...(q(list)?.querySelectorAll<HTMLElement>('[data-testid="order-row"]') ?? [])].map((row) => ({
      link: row.querySelector('a')?.getAttribute('href'),
      text: row.textContent?.replace(/\s+/g, ' ').trim(),
    }));
  const render = () => {
    TestBed.tick();
    fixture.detectChanges();
  };

  function open(): void {
    fixture = TestBed.createComponent(MyTicketsPage);
    el = fixture.nativeElement;
    render();
  }

  /** Orders this device bought without an account, newest first once recorded. */
  function keep(...orders: Order[]): void {
    const history = TestBed.inject(OrderHistory);
    for (const o of orders) {
      history.record({
        orderId: o.orderId,
        productId: o.productId,
        productName: 'Golden Ticket',
        quantity: o.quantity,
        confirmedAt: o.createdAt,
      });
    }
  }

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideDataAccessTesting(), provideRouter([])] });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('anonymous: the orders kept on this device, with the figures the store answers now', () => {
    keep(order(1), order(2));
    open();
    http.expectNone('/me/orders');
    expect(q('sign-in-hint')).not.toBeNull();
    // Before the store answers, what the device knew (no price: it never had one).
    expect(rows('device-orders').map((r) => r.link)).toEqual([
      `/receipts/${order(2).orderId}`,
      `/receipts/${order(1).orderId}`,
    ]);
    expect(q('order-total')).toBeNull();

    http.expectOne(`/orders/${order(2).orderId}`).flush(order(2, { unitPrice: 4000, total: 8000 }));
    http
      .expectOne(`/orders/${order(1).orderId}`)
      .flush(problem(404, 'ORDER_NOT_FOUND'), { status: 404, statusText: 'Not Found' });
    render();
    const [second, first] = rows('device-orders');
    expect(second.text).toMatch(/^Golden Ticket.*2 ×.*€40\.00 each.*€80\.00 paid.*Jan 2.*Confirmed$/);
    expect(first.text).toMatch(/Not found by the store$/);
    expect(q('no-tickets')).toBeNull();
  });

  it('says which orders the organiser cancelled, in either list', () => {
    const cancelled = { status: 'cancelled' as const, cancelledAt: '2030-01-05T10:00:00.000Z' };
    keep(order(1));
    TestBed.inject(BuyerSession).start(buyerSession());
    open();
    http.expectOne(`/orders/${order(1).orderId}`).flush(order(1, cancelled));
    http.expectOne('/me/orders').flush({ items: [mine(2), { ...mine(3), ...cancelled }], nextCursor: null });
    render();
    expect(rows('device-orders')[0].text).toMatch(/Cancelled by the organiser$/);
    expect(rows('account-orders').map((r) => r.text)).toEqual([
      expect.stringMatching(/Confirmed$/),
      expect.stringMatching(/Cancelled by the organiser$/),
    ]);
  });

  it('keeps the device’s figures when the store cannot be asked', () => {
    keep(order(1));
    open();
    http.expectOne(`/orders/${order(1).orderId}`).error(new ProgressEvent('error'));
    render();
    expect(rows('device-orders')[0].text).toMatch(/1 ×.*Confirmed$/);
  });

  it('signed in: the account’s orders a page at a time, and the device’s own apart', () => {
    keep(order(3));
    TestBed.inject(BuyerSession).start(buyerSession());
    open();
    http.expectOne(`/orders/${order(3).orderId}`).flush(order(3));
    const first = http.expectOne('/me/orders');
    expect(first.request.headers.get('Authorization')).toBe('Bearer token-1');
    expect(q('account-loading')).not.toBeNull();
    first.flush({ items: [mine(1)], nextCursor: 'c1' });
    render();
    expect(q('sign-in-hint')).toBeNull();
    expect(rows('account-orders').map((r) => r.text)).toEqual([
      expect.stringMatching(/^Drop 1.*1 ×.*€50\.00 each.*€50\.00 paid.*Confirmed$/),
    ]);
    expect(rows('device-orders')).toHaveLength(1);

    q('show-more')?.click();
    render();
    http.expectOne('/me/orders?after=c1').flush({ items: [mine(2)], nextCursor: null });
    render();
    expect(rows('account-orders').map((r) => r.link)).toEqual([
      `/receipts/${order(1).orderId}`,
      `/receipts/${order(2).orderId}`,
    ]);
    expect(q('show-more')).toBeNull();
  });

  it('signed in: a page that failed is asked again by Try again, from where it failed', () => {
    TestBed.inject(BuyerSession).start(buyerSession());
    open();
    http.expectOne('/me/orders').flush({ items: [mine(1)], nextCursor: 'c1' });
    render();
    q('show-more')?.click();
    render();
    http.expectOne('/me/orders?after=c1').flush(null, { status: 503, statusText: 'Unavailable' });
    render();
    expect(rows('account-orders')).toHaveLength(1);
    q('account-retry')?.click();
    render();
    http.expectOne('/me/orders?after=c1').flush({ items: [mine(2)], nextCursor: null });
    render();
    expect(rows('account-orders')).toHaveLength(2);
  });

  it('signing out leaves only the device’s orders on the page', () => {
    const session = TestBed.inject(BuyerSession);
    session.start(buyerSession());
    open();
    http.expectOne('/me/orders').flush({ items: [mine(1)], nextCursor: null });
    render();
    session.signOut();
    render();
    expect(q('account-orders')).toBeNull();
    expect(q('no-tickets')?.textContent).toContain('No tickets yet');
  });

  it('nothing bought yet: says so', () => {
    open();
    expect(q('no-tickets')).not.toBeNull();
  });
});
