import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Order } from '@gtd/shared-contracts';
import { OrderHistory } from '@gtd/web-data-access';
import { GOLDEN_TICKET, problem, provideDataAccessTesting } from '@gtd/web-data-access/testing';
import { ReceiptPage } from './receipt-page';

const ID = '0b7f6a2e-2c1d-4e5f-8a9b-0c1d2e3f4a5b';
const TICKET = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIwYjdmIn0.c2lnbmF0dXJl';

const ORDER: Order = {
  orderId: ID,
  productId: 1,
  quantity: 2,
  unitPrice: 4500,
  currency: 'EUR',
  total: 9000,
  createdAt: '2030-01-01T10:00:00.000Z',
  status: 'sold',
  cancelledAt: null,
};

describe('ReceiptPage', () => {
  let fixture: ComponentFixture<ReceiptPage>;
  let http: HttpTestingController;
  let el: HTMLElement;

  const q = (testId: string) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const text = (testId: string) => q(testId)?.textContent?.trim() ?? null;
  const render = () => {
    TestBed.tick();
    fixture.detectChanges();
  };

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideDataAccessTesting(), provideRouter([])] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(ReceiptPage);
    el = fixture.nativeElement;
    fixture.componentRef.setInput('orderId', ID);
    render();
  });

  afterEach(() => http.verify());

  function answerOrder(): void {
    http.expectOne(`/orders/${ID}`).flush(ORDER);
    render();
  }

  it('shows what was bought, at the price it sold at, when, and the ticket as a QR code and as text', () => {
    expect(q('receipt-loading')).not.toBeNull();
    answerOrder();
    // The product now costs more: the receipt keeps the price paid.
    http.expectOne('/products/1').flush({ ...GOLDEN_TICKET, price: 9900 });
    http
      .expectOne(`/orders/${ID}/ticket`)
      .flush({ orderId: ID, productId: 1, quantity: 2, ticket: TICKET, keyId: 'k1' });
    render();

    expect(text('receipt-product')).toBe('Golden Ticket');
    expect(q('receipt-product')?.getAttribute('href')).toBe('/drops/1');
    expect(text('receipt-quantity')).toBe('2');
    expect(text('receipt-unit-price')).toBe('€45.00');
    expect(text('receipt-total')).toBe('€90.00');
    expect(q('receipt-time')?.getAttribute('datetime')).toBe(ORDER.createdAt);
    expect(text('receipt-time')).toMatch(/Jan 1/);
    expect(text('receipt-order-id')).toBe(ID);
    expect(text('receipt-next')).toMatch(/^Show this QR code at the door\. It admits once: .*2 tickets/);

    const qr = q('ticket-qr') as unknown as SVGElement;
    expect(qr.getAttribute('role')).toBe('img');
    expect(qr.getAttribute('aria-label')).toBe(`Ticket QR code for order ${ID}`);
    expect(qr.querySelector('path')?.getAttribute('d')).toMatch(/^M\d+ \d+h\d+/);
    expect(text('ticket-token')).toBe(TICKET);
  });

  it('still shows the receipt when the drop cannot be read, by the name this device kept', () => {
    TestBed.inject(OrderHistory).record({
      orderId: ID,
      productId: 1,
      productName: 'Golden Ticket (as bought)',
      quantity: 2,
      confirmedAt: ORDER.createdAt,
    });
    answerOrder();
    http.expectOne('/products/1').flush(null, { status: 503, statusText: 'Unavailable' });
    http
      .expectOne(`/orders/${ID}/ticket`)
      .flush({ orderId: ID, productId: 1, quantity: 2, ticket: TICKET, keyId: 'k1' });
    render();
    expect(text('receipt-product')).toBe('Golden Ticket (as bought)');
    expect(text('ticket-token')).toBe(TICKET);
  });

  it('names the drop by its id when neither the store nor this device knows its name', () => {
    answerOrder();
    http
      .expectOne('/products/1')
      .flush(problem(404, 'PRODUCT_NOT_FOUND'), { status: 404, statusText: 'Not Found' });
    http
      .expectOne(`/orders/${ID}/ticket`)
      .flush({ orderId: ID, productId: 1, quantity: 2, ticket: TICKET, keyId: 'k1' });
    render();
    expect(text('receipt-product')).toBe('Drop 1');
  });

  it('a cancelled order: says so and when, shows no ticket, and does not ask for one', () => {
    const cancelledAt = '2030-01-02T08:30:00.000Z';
    http.expectOne(`/orders/${ID}`).flush({ ...ORDER, status: 'cancelled', cancelledAt });
    render();
    http.expectOne('/products/1').flush(GOLDEN_TICKET);
    http.expectNone(`/orders/${ID}/ticket`);
    render();
    expect(text('receipt-title')).toBe('Order cancelled');
    expect(q('receipt-cancelled')?.textContent).toMatch(/cancelled this order on .*tickets no longer admit/);
    expect(q('receipt-cancelled-time')?.getAttribute('datetime')).toBe(cancelledAt);
    expect(q('ticket-qr')).toBeNull();
    expect(q('ticket-token')).toBeNull();
    expect(text('receipt-total')).toBe('€90.00');
  });

  it('an unknown order: a clear not-found state', () => {
    http
      .expectOne(`/orders/${ID}`)
      .flush(problem(404, 'ORDER_NOT_FOUND'), { status: 404, statusText: 'Not Found' });
    render();
    expect(q('not-found')?.textContent).toContain('We could not find this order');
    expect(q('receipt')).toBeNull();
  });

  it('the store does not answer: a retry state, and Try again asks again', () => {
    http.expectOne(`/orders/${ID}`).error(new ProgressEvent('error'));
    render();
    expect(q('receipt-error')?.getAttribute('role')).toBe('alert');
    q('receipt-reload')?.click();
    render();
    expect(q('receipt-loading')).not.toBeNull();
    answerOrder();
    http.expectOne('/products/1').flush(GOLDEN_TICKET);
    http.expectOne(`/orders/${ID}/ticket`).flush(null, { status: 503, statusText: 'Unavailable' });
    render();
    // Without its ticket a receipt is no use at the door: the page says so and offers to retry.
    expect(q('receipt-error')).not.toBeNull();
  });
});
