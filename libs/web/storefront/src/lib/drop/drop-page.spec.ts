import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Product } from '@gtd/shared-contracts';
import { INVENTORY_POLL_INTERVAL_MS, InventoryPoller } from '@gtd/web-drop';
import { DropPage, parseProductId } from './drop-page';

const PRODUCT: Product = {
  id: 1,
  name: 'Golden Ticket',
  description: 'A pass to the factory.',
  price: 5000,
  currency: 'EUR',
  stock: 100,
  available: 10,
  maxQuantityPerPurchase: 5,
};

const problem = (status: number, code: string, extra: object = {}) => ({
  type: `urn:golden-ticket-drop:problem:${code.toLowerCase()}`,
  title: code,
  status,
  detail: `Problem ${code}`,
  code,
  ...extra,
});

describe('DropPage', () => {
  let fixture: ComponentFixture<DropPage>;
  let http: HttpTestingController;
  let el: HTMLElement;

  const q = (testId: string) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const text = (testId: string) => q(testId)?.textContent?.trim() ?? null;
  const buyButton = () => q('buy-button') as HTMLButtonElement;
  const render = () => {
    TestBed.tick();
    fixture.detectChanges();
  };

  function open(id = '1'): void {
    fixture = TestBed.createComponent(DropPage);
    el = fixture.nativeElement;
    fixture.componentRef.setInput('id', id);
    render();
  }

  function answerInventory(available: number): void {
    http.expectOne('/products/1/inventory').flush({ productId: 1, available });
    render();
  }

  function openLoaded(available = 10, product: Partial<Product> = {}): void {
    open('1');
    http.expectOne('/products/1').flush({ ...PRODUCT, available, ...product });
    render();
    answerInventory(available);
  }

  function choose(quantity: number): void {
    const select = q('quantity') as HTMLSelectElement;
    select.value = String(quantity);
    select.dispatchEvent(new Event('change'));
    render();
  }

  function clickBuy(): void {
    buyButton().click();
    render();
  }

  function answerBuy(status: number, body: unknown): void {
    const req = http.expectOne('/buy');
    if (status === 0) {
      req.error(new ProgressEvent('error'));
    } else {
      req.flush(body, { status, statusText: String(status) });
    }
    render();
  }

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([]),
        // Polling cadence is the poller's spec; here only explicit refreshes poll.
        { provide: INVENTORY_POLL_INTERVAL_MS, useValue: 3_600_000 },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    fixture.destroy();
    http.verify();
  });

  describe('the drop', () => {
    it('shows name, description, price from minor units, the live count and a stock bar', () => {
      openLoaded(42);
      expect(text('product-name')).toBe('Golden Ticket');
      expect(text('product-description')).toBe('A pass to the factory.');
      expect(text('product-price')).toBe('€50.00');
      expect(text('stock-count')).toBe('42 left');
      const bar = q('stock-bar');
      expect(bar?.getAttribute('role')).toBe('meter');
      expect(bar?.getAttribute('aria-valuenow')).toBe('42');
      expect(bar?.getAttribute('aria-valuemax')).toBe('100');
      expect((bar?.firstElementChild as HTMLElement).style.width).toBe('42%');
      expect(buyButton().disabled).toBe(false);
      expect(buyButton().textContent?.trim()).toBe('Buy now');
    });

    it('offers quantities from 1 to the per-purchase maximum', () => {
      openLoaded(42);
      const options = [...(q('quantity') as HTMLSelectElement).options];
      expect(options.map((o) => o.value)).toEqual(['1', '2', '3', '4', '5']);
    });

    it('never offers more than is left, and shrinks the choice when the count drops', () => {
      openLoaded(10);
      choose(4);
      TestBed.inject(InventoryPoller).refresh(1);
      answerInventory(2);
      const select = q('quantity') as HTMLSelectElement;
      expect([...select.options].map((o) => o.value)).toEqual(['1', '2']);
      expect(select.value).toBe('2');
    });

    it('says sold out and disables Buy now when nothing is left', () => {
      openLoaded(0);
      expect(text('stock-count')).toBe('Sold out');
      expect(buyButton().disabled).toBe(true);
      expect(buyButton().textContent?.trim()).toBe('Sold out');
    });

    it('shows "Reconnecting…" instead of a stale number when polling fails', () => {
      openLoaded(10);
      const poller = TestBed.inject(InventoryPoller);
      poller.refresh(1);
      http.expectOne('/products/1/inventory').flush(problem(503, 'SERVICE_UNAVAILABLE'), {
        status: 503,
        statusText: 'Service Unavailable',
      });
      render();
      expect(q('stock-count')).toBeNull();
      expect(text('stock-reconnecting')).toContain('Reconnecting…');
      poller.refresh(1); // cuts the back-off short
      answerInventory(9);
      expect(text('stock-count')).toBe('9 left');
    });

    it('shows a clear not-found page for an unknown id', () => {
      open('99');
      http.expectOne('/products/99').flush(problem(404, 'PRODUCT_NOT_FOUND'), {
        status: 404,
        statusText: 'Not Found',
      });
      render();
      expect(q('not-found')?.textContent).toContain('This drop does not exist');
      expect(q('buy-button')).toBeNull();
    });

    it.each(['abc', '0', '-1', '1.5'])(
      'treats the malformed id %p as not found without asking the API',
      (id) => {
        open(id);
        expect(q('not-found')).not.toBeNull();
      },
    );

    it('offers to try again when the product cannot be loaded', () => {
      open('1');
      http.expectOne('/products/1').error(new ProgressEvent('error'));
      render();
      expect(q('drop-error')).not.toBeNull();
      q('drop-reload')?.click();
      render();
      http.expectOne('/products/1').flush(PRODUCT);
      render();
      answerInventory(10);
      expect(text('product-name')).toBe('Golden Ticket');
    });
  });

  describe('Buy now', () => {
    it('is disabled while the purchase is in flight, so it cannot be sent twice', () => {
      openLoaded(10);
      choose(2);
      clickBuy();
      expect(buyButton().disabled).toBe(true);
      expect(buyButton().textContent?.trim()).toBe('Buying…');
      expect(buyButton().getAttribute('aria-busy')).toBe('true');
      clickBuy(); // ignored
      const req = http.expectOne('/buy');
      expect(req.request.body).toEqual({ productId: 1, quantity: 2 });
      req.flush(
        { orderId: 'ord-1', productId: 1, quantity: 2, remaining: 8 },
        { status: 201, statusText: 'Created' },
      );
      render();
      answerInventory(8);
      expect(buyButton().disabled).toBe(false);
    });

    it('announces outcomes in a polite live region', () => {
      openLoaded(10);
      const region = q('purchase-feedback');
      expect(region?.getAttribute('aria-live')).toBe('polite');
      expect(region?.getAttribute('role')).toBe('status');
    });

    const outcomes: {
      name: string;
      status: number;
      body: unknown;
      quantity?: number;
      title: string;
      detail: RegExp;
      /** The count the refresh right after the answer reports. */
      after: number;
      enabledAfter: boolean;
      retry?: boolean;
    }[] = [
      {
        name: 'success, with the order id and what was bought',
        status: 201,
        body: { orderId: 'ord-42', productId: 1, quantity: 3, remaining: 7 },
        quantity: 3,
        title: 'You got it! Order confirmed.',
        detail: /You bought 3 × Golden Ticket\..*ord-42/,
        after: 7,
        enabledAfter: true,
      },
      {
        name: 'sold out',
        status: 409,
        body: problem(409, 'SOLD_OUT'),
        title: 'Sold out',
        detail: /Every Golden Ticket has been claimed/,
        after: 0,
        enabledAfter: false,
      },
      {
        name: 'not enough left, with how many are',
        status: 409,
        body: problem(409, 'INSUFFICIENT_STOCK', { available: 2 }),
        quantity: 4,
        title: 'Not enough left',
        detail: /You asked for 4, but only 2 are left/,
        after: 2,
        enabledAfter: true,
      },
      {
        name: 'product not found',
        status: 404,
        body: problem(404, 'PRODUCT_NOT_FOUND'),
        title: 'This drop is no longer available',
        detail: /does not know this product/,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'invalid request, with the reasons',
        status: 400,
        body: problem(400, 'VALIDATION_FAILED', {
          errors: [{ field: 'quantity', messages: ['quantity must not exceed 5'] }],
        }),
        title: 'The order was not accepted',
        detail: /quantity must not exceed 5/,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'network failure, with a retry',
        status: 0,
        body: null,
        title: 'Could not reach the store',
        detail: /Check your connection/,
        after: 10,
        enabledAfter: true,
        retry: true,
      },
      {
        name: 'server error',
        status: 500,
        body: problem(500, 'INTERNAL_ERROR'),
        title: 'Something went wrong on our side',
        detail: /try again in a moment/,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'an unknown code, shown generically from its problem',
        status: 429,
        body: problem(429, 'RATE_LIMITED', { title: 'Slow down' }),
        title: 'Slow down',
        detail: /Problem RATE_LIMITED/,
        after: 10,
        enabledAfter: true,
      },
    ];

    it.each(outcomes)(
      '$name: own message, count refreshed at once, button state',
      ({ status, body, quantity, title, detail, after, enabledAfter, retry }) => {
        openLoaded(10);
        if (quantity) {
          choose(quantity);
        }
        clickBuy();
        answerBuy(status, body);

        const message = q('purchase-message');
        expect(message?.closest('[aria-live]')).toBe(q('purchase-feedback'));
        expect(message?.querySelector('.message__title')?.textContent).toBe(title);
        expect(message?.textContent?.replace(/\s+/g, ' ')).toMatch(detail);
        expect(q('retry-button') !== null).toBe(retry === true);

        // The count is asked for again immediately, not at the next tick.
        answerInventory(after);
        expect(buyButton().disabled).toBe(!enabledAfter);
        expect(text('stock-count')).toBe(after === 0 ? 'Sold out' : `${after} left`);
      },
    );

    it('shows the order id on its own for copying', () => {
      openLoaded(10);
      clickBuy();
      answerBuy(201, { orderId: 'ord-7', productId: 1, quantity: 1, remaining: 9 });
      expect(text('order-id')).toBe('ord-7');
      answerInventory(9);
    });

    it('retries the same request after a network failure', () => {
      openLoaded(10);
      choose(2);
      clickBuy();
      answerBuy(0, null);
      answerInventory(10);

      q('retry-button')?.click();
      render();
      expect(buyButton().disabled).toBe(true);
      const again = http.expectOne('/buy');
      expect(again.request.body).toEqual({ productId: 1, quantity: 2 });
      again.flush(
        { orderId: 'ord-9', productId: 1, quantity: 2, remaining: 8 },
        { status: 201, statusText: 'Created' },
      );
      render();
      answerInventory(8);
      expect(text('order-id')).toBe('ord-9');
      expect(q('retry-button')).toBeNull();
    });
  });
});

describe('parseProductId', () => {
  it('accepts positive integers only', () => {
    expect(parseProductId('1')).toBe(1);
    expect(parseProductId('0042')).toBe(42);
    expect(parseProductId('0')).toBeNull();
    expect(parseProductId('1e3')).toBeNull();
    expect(parseProductId('')).toBeNull();
    expect(parseProductId(undefined)).toBeNull();
  });
});
