import { HttpTestingController, TestRequest } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter, Router } from '@angular/router';
import type { DropState, Product } from '@gtd/shared-contracts';
import { BuyerSession, InventoryPoller } from '@gtd/web-data-access';
import { buyerSession, GOLDEN_TICKET, problem, provideDataAccessTesting } from '@gtd/web-data-access/testing';
import { DropPage } from './drop-page';

const PRODUCT = GOLDEN_TICKET;

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

  function answerInventory(
    available: number,
    state: DropState = available === 0 ? 'sold_out' : 'live',
  ): void {
    http.expectOne('/products/1/inventory').flush({ productId: 1, available, state, pollAfterMs: 2000 });
    render();
  }

  /** The drop has no waiting room: the page's one look at its queue answers 404. */
  function answerNoQueue(): void {
    http
      .match('/products/1/queue')
      .forEach((req) =>
        req.flush(problem(404, 'QUEUE_NOT_ENABLED'), { status: 404, statusText: 'Not Found' }),
      );
    render();
  }

  function openLoaded(available = 10, product: Partial<Product> = {}): void {
    const state: DropState = product.state ?? (available === 0 ? 'sold_out' : 'live');
    open('1');
    http.expectOne('/products/1').flush({ ...PRODUCT, available, ...product, state });
    render();
    answerNoQueue();
    answerInventory(available, state);
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

  /** Answers the purchase `req` with a sale, then the refresh of the count that follows it. */
  function answerSale(req: TestRequest, orderId: string, quantity: number, remaining: number): void {
    req.flush({ orderId, productId: 1, quantity, remaining }, { status: 201, statusText: 'Created' });
    render();
    answerInventory(remaining);
  }

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideDataAccessTesting(), provideRouter([])] });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    answerNoQueue();
    fixture.destroy();
    http.verify();
    jest.useRealTimers();
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

    it('tries again by itself after a failed load, and says so when the drop is back', () => {
      jest.useFakeTimers();
      open('1');
      http.expectOne('/products/1').error(new ProgressEvent('error'));
      render();
      expect(q('drop-error')?.textContent).toContain('keeps trying by itself');
      expect(text('drop-connection')).toBe('');
      // The testing cadence is an hour: the first back-off is one interval.
      jest.advanceTimersByTime(3_600_000);
      render();
      http.expectOne('/products/1').flush(PRODUCT);
      render();
      answerInventory(10);
      expect(q('drop-error')).toBeNull();
      expect(text('product-name')).toBe('Golden Ticket');
      expect(text('drop-connection')).toBe('Connected again: the drop is back.');
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
      answerSale(req, 'ord-1', 2, 8);
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
      /** Buy now re-sends the same order (the outcome is unknown). */
      sameOrder?: boolean;
      /** The count the refresh right after the answer reports. */
      after: number;
      /** The drop state the refresh reports (default: from the count). */
      afterState?: DropState;
      enabledAfter: boolean;
      retry?: boolean;
      signIn?: boolean;
    }[] = [
      {
        name: 'success, with the order id and what was bought',
        status: 201,
        body: { orderId: 'ord-42', productId: 1, quantity: 3, remaining: 7 },
        quantity: 3,
        title: 'You got it! Order confirmed.',
        detail: /You bought 3 × “Golden Ticket”\..*ord-42/,
        after: 7,
        enabledAfter: true,
      },
      {
        name: 'sold out',
        status: 409,
        body: problem(409, 'SOLD_OUT'),
        title: 'Sold out',
        detail: /Every unit of “Golden Ticket” has been claimed/,
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
        name: 'network failure: Buy now becomes the same-order retry',
        status: 0,
        body: null,
        title: 'Could not reach the store',
        detail: /may have gone through\. Check your connection, then press Try again — same order/,
        after: 10,
        enabledAfter: true,
        sameOrder: true,
      },
      {
        name: 'server error: the outcome is unknown, so Buy now re-sends the same order',
        status: 500,
        body: problem(500, 'INTERNAL_ERROR'),
        title: 'Something went wrong on our side',
        detail: /may have gone through\. Press Try again — same order in a moment: it sends the same order/,
        after: 10,
        enabledAfter: true,
        sameOrder: true,
      },
      {
        name: 'store unavailable, purchase not made',
        status: 503,
        body: problem(503, 'SERVICE_UNAVAILABLE', { purchase: 'NOT_MADE', retryAfterSeconds: 2 }),
        title: 'The store is busy',
        detail: /Nothing was bought\. Please try again in 2 seconds/,
        after: 10,
        enabledAfter: true,
        retry: true,
      },
      {
        name: 'an unknown code, shown generically from its problem',
        status: 409,
        body: problem(409, 'SOMETHING_NEW', { title: 'Something new', detail: 'Problem SOMETHING_NEW' }),
        title: 'Something new',
        detail: /Problem SOMETHING_NEW/,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'not started, with when it opens',
        status: 409,
        body: problem(409, 'NOT_STARTED', { startsAt: '2030-01-01T10:00:00.000Z' }),
        title: 'Not open yet',
        detail: /This drop opens .*2030|This drop opens .*Jan.*Nothing was bought/,
        after: 10,
        afterState: 'upcoming',
        enabledAfter: false,
      },
      {
        name: 'ended',
        status: 409,
        body: problem(409, 'ENDED', { endsAt: '2020-01-01T10:00:00.000Z' }),
        title: 'This drop has ended',
        detail: /It closed .*Jan.*Nothing was bought/,
        after: 10,
        afterState: 'ended',
        enabledAfter: false,
      },
      {
        name: 'paused',
        status: 409,
        body: problem(409, 'PAUSED'),
        title: 'Drop paused',
        detail: /paused this drop/,
        after: 10,
        afterState: 'paused',
        enabledAfter: false,
      },
      {
        name: 'limit reached, with how many the buyer holds',
        status: 409,
        body: problem(409, 'LIMIT_REACHED', { limit: 2, bought: 2 }),
        title: 'Limit reached',
        detail: /You already hold 2 units of the 2 allowed per buyer\. Nothing was bought\./,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'limit reached for part of the quantity, with how many more are allowed',
        status: 409,
        body: problem(409, 'LIMIT_REACHED', { limit: 3, bought: 1 }),
        quantity: 3,
        title: 'Limit reached',
        detail: /You already hold 1 unit of the 3 allowed per buyer\. You can buy 2 more, not 3\./,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'sign-in required, with a way to sign in',
        status: 401,
        body: problem(401, 'AUTH_REQUIRED'),
        title: 'Sign in to buy',
        detail: /limited per buyer, so you need to sign in first/,
        after: 10,
        enabledAfter: true,
        signIn: true,
      },
      {
        name: 'token refused, with a way to sign in again',
        status: 401,
        body: problem(401, 'UNAUTHORIZED'),
        title: 'Please sign in again',
        detail: /Your session has expired/,
        after: 10,
        enabledAfter: true,
        signIn: true,
      },
      {
        name: 'rate limited, with the seconds to wait (Buy now rests meanwhile)',
        status: 429,
        body: problem(429, 'RATE_LIMITED', { retryAfterSeconds: 30 }),
        title: 'Too many attempts',
        detail: /Please wait 30 seconds before trying again/,
        after: 10,
        enabledAfter: false,
      },
      {
        name: 'idempotency key mismatch',
        status: 422,
        body: problem(422, 'IDEMPOTENCY_KEY_MISMATCH'),
        title: 'This retry did not match your order',
        detail: /nothing more was bought/,
        after: 10,
        enabledAfter: true,
      },
      {
        name: 'the first request with this key still in flight: Buy now re-sends the same order',
        status: 409,
        body: problem(409, 'IDEMPOTENCY_KEY_IN_USE'),
        title: 'Your order is still being processed',
        detail: /Nothing is bought twice: press Try again — same order/,
        after: 10,
        enabledAfter: true,
        sameOrder: true,
      },
    ];

    it.each(outcomes)(
      '$name: own message, count refreshed at once, button state',
      ({
        status,
        body,
        quantity,
        title,
        detail,
        after,
        afterState,
        enabledAfter,
        retry,
        signIn,
        sameOrder,
      }) => {
        openLoaded(10);
        if (quantity) {
          choose(quantity);
        }
        clickBuy();
        answerBuy(status, body);

        const message = q('purchase-message');
        // Focus lands on the answer (the button was disabled meanwhile); it is read there, once.
        expect(el.ownerDocument.activeElement).toBe(message);
        expect(message?.closest('[aria-live]')).toBeNull();
        expect(message?.querySelector('.message__title')?.textContent).toBe(title);
        expect(message?.textContent?.replace(/\s+/g, ' ')).toMatch(detail);
        expect(q('retry-button') !== null).toBe(retry === true);
        expect(q('purchase-sign-in') !== null).toBe(signIn === true);

        // The count is asked for again immediately, not at the next tick.
        answerInventory(after, afterState);
        expect(buyButton().disabled).toBe(!enabledAfter);
        expect(text('stock-count')).toBe(after === 0 ? 'Sold out' : `${after} left`);
        expect(buyButton().textContent?.trim() === 'Try again — same order').toBe(sameOrder === true);
        if (!enabledAfter) {
          // A disabled button says why, and is tied to that reason.
          expect(text('buy-reason')).toBeTruthy();
          expect(buyButton().getAttribute('aria-describedby')).toBe('buy-reason');
        }
      },
    );

    it('shows the order id on its own for copying, and links to its receipt', () => {
      openLoaded(10);
      clickBuy();
      answerBuy(201, { orderId: 'ord-7', productId: 1, quantity: 1, remaining: 9 });
      expect(text('order-id')).toBe('ord-7');
      expect(q('view-ticket')?.getAttribute('href')).toBe('/receipts/ord-7');
      answerInventory(9);
    });

    it('after a lost answer, Buy now says and sends the same order (same key, same quantity)', () => {
      openLoaded(10);
      choose(2);
      clickBuy();
      const lost = http.expectOne('/buy');
      expect(lost.request.headers.get('Idempotency-Key')).toBe('key-1');
      lost.error(new ProgressEvent('error'));
      render();
      answerInventory(10);

      // One button, saying what it does and why; the quantity waits for the answer.
      expect(q('retry-button')).toBeNull();
      expect(buyButton().textContent?.trim()).toBe('Try again — same order');
      expect(buyButton().disabled).toBe(false);
      expect(buyButton().getAttribute('aria-describedby')).toBe('buy-reason');
      expect(text('buy-reason')).toBe(
        'Your order of 2 × “Golden Ticket” is not confirmed yet. This button sends that same order again to find out how it ended, so it cannot buy twice. You can choose another quantity once it is settled.',
      );
      const select = q('quantity') as HTMLSelectElement;
      expect(select.disabled).toBe(true);
      expect(select.value).toBe('2');
      expect(select.getAttribute('aria-describedby')).toBe('buy-reason');

      clickBuy();
      expect(buyButton().disabled).toBe(true);
      const again = http.expectOne('/buy');
      expect(again.request.body).toEqual({ productId: 1, quantity: 2 });
      expect(again.request.headers.get('Idempotency-Key')).toBe('key-1');
      answerSale(again, 'ord-9', 2, 8);
      expect(text('order-id')).toBe('ord-9');
      expect(buyButton().textContent?.trim()).toBe('Buy now');
      expect(q('buy-reason')).toBeNull();
      expect((q('quantity') as HTMLSelectElement).disabled).toBe(false);
    });

    it('after a 429 to the same-order retry, says the earlier order is still not confirmed', () => {
      openLoaded(10);
      clickBuy();
      answerBuy(0, null);
      answerInventory(10);
      clickBuy();
      answerBuy(429, problem(429, 'RATE_LIMITED', { retryAfterSeconds: 30 }));
      answerInventory(10);
      expect(text('purchase-message')?.replace(/\s+/g, ' ')).toMatch(
        /Please wait 30 seconds before trying again\. Your earlier order is still not confirmed and may have gone through\./,
      );
      expect(text('purchase-message')).not.toMatch(/Nothing was bought/);
    });

    it('gives every new press of Buy now a new Idempotency-Key', () => {
      openLoaded(10);
      clickBuy();
      const first = http.expectOne('/buy');
      expect(first.request.headers.get('Idempotency-Key')).toBe('key-1');
      first.flush(problem(409, 'INSUFFICIENT_STOCK', { available: 3 }), {
        status: 409,
        statusText: 'Conflict',
      });
      render();
      answerInventory(10);
      clickBuy();
      const second = http.expectOne('/buy');
      expect(second.request.headers.get('Idempotency-Key')).toBe('key-2');
      answerSale(second, 'o', 1, 9);
    });
  });

  describe('schedule', () => {
    const NOW = Date.parse('2030-01-01T09:59:56.500Z');
    const OPENS = '2030-01-01T10:00:00.000Z';

    beforeEach(() => jest.useFakeTimers({ now: NOW }));

    function openUpcoming(extra: Partial<Product> = {}): void {
      openLoaded(10, { state: 'upcoming', startsAt: OPENS, ...extra });
    }

    const countdownText = () =>
      ['days', 'hours', 'minutes', 'seconds'].map((unit) => text(`countdown-${unit}`)).join(':');

    it('before the opening: state, opening time, a countdown, and Buy now disabled with the reason', () => {
      openUpcoming();
      expect(text('drop-state')).toBe('Upcoming');
      expect(q('opens-at')?.getAttribute('datetime')).toBe(OPENS);
      expect(countdownText()).toBe('00:00:00:04');
      expect(buyButton().disabled).toBe(true);
      expect(buyButton().textContent?.trim()).toBe('Not open yet');
      expect(text('buy-reason')).toMatch(/^Buying opens .+\. This page switches to live by itself\.$/);
      expect(buyButton().getAttribute('aria-describedby')).toBe('buy-reason');
      expect((q('quantity') as HTMLSelectElement).disabled).toBe(true);
    });

    it('counts down on whole seconds and opens on time without a reload, then asks the server', () => {
      openUpcoming();
      jest.advanceTimersByTime(500);
      render();
      expect(countdownText()).toBe('00:00:00:03');
      jest.advanceTimersByTime(2000);
      render();
      expect(countdownText()).toBe('00:00:00:01');
      http.expectNone('/products/1/inventory');
      expect(buyButton().disabled).toBe(true);

      jest.advanceTimersByTime(1000); // exactly startsAt
      render();
      expect(text('drop-state')).toBe('Live');
      expect(q('countdown')).toBeNull();
      expect(buyButton().disabled).toBe(false);
      expect(buyButton().textContent?.trim()).toBe('Buy now');
      expect(q('buy-reason')).toBeNull();
      // The clock opened the drop; the poll sent at that instant confirms it.
      answerInventory(10, 'live');
      expect(text('drop-state')).toBe('Live');
      expect(text('drop-state-announcement')).toBe('Drop status: Live.');
    });

    it('trusts the server over the clock: still "upcoming" after our zero means opening any moment', () => {
      openUpcoming();
      jest.advanceTimersByTime(3500);
      render();
      answerInventory(10, 'upcoming'); // asked at the opening by our clock: the server's clock is behind
      expect(text('drop-state')).toBe('Upcoming');
      expect(text('opening')).toContain('Opening any moment');
      expect(buyButton().disabled).toBe(true);
      // Once per opening time, the product is read again in case the operator moved it; the drop
      // stays on screen meanwhile.
      const reread = http.expectOne('/products/1');
      expect(q('drop-loading')).toBeNull();
      expect(q('drop-page')).not.toBeNull();
      reread.flush({ ...PRODUCT, state: 'upcoming', startsAt: '2030-01-01T10:01:00.000Z' });
      render();
      expect(countdownText()).toBe('00:00:01:00');
      expect(text('opening')).not.toContain('Opening any moment');

      TestBed.inject(InventoryPoller).refresh(1);
      answerInventory(10, 'live'); // the server opened
      expect(text('drop-state')).toBe('Live');
      expect(buyButton().disabled).toBe(false);
    });

    it('announces only milestones to screen readers, not every second', () => {
      openLoaded(10, { state: 'upcoming', startsAt: new Date(NOW + 61_000).toISOString() });
      const milestone = () => text('countdown-milestone');
      const timer = () => q('countdown')?.querySelector('[role="timer"]');
      expect(milestone()).toBe('Opens in less than 10 minutes.');
      expect(timer()?.getAttribute('aria-label')).toBe('Opens in 2 minutes');
      expect(q('countdown-seconds')?.closest('[aria-hidden="true"]')).not.toBeNull();

      const milestones = new Set<string>([milestone() ?? '']);
      const labels = new Set<string>([timer()?.getAttribute('aria-label') ?? '']);
      const digits = new Set<string>();
      for (let i = 0; i < 61; i++) {
        jest.advanceTimersByTime(1000);
        render();
        milestones.add(milestone() ?? '');
        labels.add(timer()?.getAttribute('aria-label') ?? '(gone)');
        digits.add(text('countdown-seconds') ?? '(gone)');
      }
      expect(digits.size).toBeGreaterThan(50); // the visible digits tick every second…
      // …while what assistive technology is told changes a handful of times.
      expect([...milestones]).toEqual([
        'Opens in less than 10 minutes.',
        'Opens in less than a minute.',
        'Opens in less than 10 seconds.',
        '',
      ]);
      expect([...labels]).toEqual([
        'Opens in 2 minutes',
        'Opens in 1 minute',
        'Opens in less than a minute',
        '(gone)',
      ]);
      http.expectOne('/products/1/inventory');
    });

    it('shows paused and ended drops with the reason Buy now is off', () => {
      openLoaded(10, { state: 'paused' });
      expect(text('drop-state')).toBe('Paused');
      expect(buyButton().textContent?.trim()).toBe('Paused');
      expect(buyButton().disabled).toBe(true);
      expect(text('buy-reason')).toMatch(/paused this drop/);

      TestBed.inject(InventoryPoller).refresh(1);
      answerInventory(10, 'live'); // resumed
      expect(buyButton().disabled).toBe(false);

      TestBed.inject(InventoryPoller).refresh(1);
      answerInventory(4, 'ended');
      expect(text('drop-state')).toBe('Ended');
      expect(buyButton().textContent?.trim()).toBe('Ended');
      expect(buyButton().disabled).toBe(true);
    });

    it('ends a live drop at endsAt by the clock', () => {
      openLoaded(10, { state: 'live', endsAt: new Date(NOW + 60_500).toISOString() });
      expect(buyButton().disabled).toBe(false);
      jest.advanceTimersByTime(60_500);
      render();
      expect(text('drop-state')).toBe('Ended');
      expect(buyButton().disabled).toBe(true);
      expect(text('buy-reason')).toMatch(/^This drop ended /);
      answerInventory(10, 'ended');
    });
  });

  describe('buyers and limits', () => {
    const SESSION = buyerSession();

    it('says "Limit N per buyer" and, signed out, sends Buy now to sign-in and back', () => {
      const navigate = jest.spyOn(TestBed.inject(Router), 'navigate').mockResolvedValue(true);
      openLoaded(10, { perBuyerLimit: 2 });
      expect(text('per-buyer-limit')).toBe('Limit 2 per buyer');
      expect(buyButton().textContent?.trim()).toBe('Sign in to buy');
      expect(text('buy-reason')).toBe('Limited to 2 per buyer: sign in to buy.');
      // The per-order maximum (5) is never said beside a smaller per-buyer limit.
      expect(text('limit-text')).toBe('Up to 2 per buyer, in one order or several.');
      expect(buyButton().disabled).toBe(false);
      clickBuy();
      http.expectNone('/buy');
      expect(navigate).toHaveBeenCalledWith(['/sign-in'], { queryParams: { returnUrl: '/drops/1' } });
    });

    it('signed in: buys with the bearer token, never offers more than the limit, then says limit reached', () => {
      TestBed.inject(BuyerSession).start(SESSION);
      openLoaded(10, { perBuyerLimit: 2 });
      expect(buyButton().textContent?.trim()).toBe('Buy now');
      expect([...(q('quantity') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['1', '2']);

      clickBuy();
      const first = http.expectOne('/buy');
      expect(first.request.headers.get('Authorization')).toBe('Bearer token-1');
      answerSale(first, 'o-1', 1, 9);
      // One held: one more allowed.
      expect([...(q('quantity') as HTMLSelectElement).options].map((o) => o.value)).toEqual(['1']);
      expect(text('limit-text')).toBe('You hold 1 unit and can buy 1 more: the limit is 2 per buyer.');

      clickBuy();
      answerBuy(409, problem(409, 'LIMIT_REACHED', { limit: 2, bought: 2 }));
      expect(text('purchase-message')).toMatch(/Limit reached/);
      expect(text('purchase-message')).toMatch(/You already hold 2 units of the 2 allowed per buyer/);
      answerInventory(9);
      expect(buyButton().disabled).toBe(true);
      expect(buyButton().textContent?.trim()).toBe('Limit reached');
      expect(text('buy-reason')).toBe('You hold 2 units: the limit is 2 per buyer, so you cannot buy more.');
      expect(text('limit-text')).toBe('Up to 2 per buyer, in one order or several.');

      // Another buyer on this tab starts afresh.
      TestBed.inject(BuyerSession).start({ ...SESSION, buyer: { id: 'b-2', email: 'bo@example.com' } });
      render();
      expect(buyButton().disabled).toBe(false);
    });

    it('a refused token ends the session and offers to sign in again, back to this drop', () => {
      const session = TestBed.inject(BuyerSession);
      session.start(SESSION);
      openLoaded(10, { perBuyerLimit: 2 });
      clickBuy();
      answerBuy(401, problem(401, 'UNAUTHORIZED'));
      expect(session.signedIn()).toBe(false);
      expect(q('purchase-sign-in')?.getAttribute('href')).toBe('/sign-in?returnUrl=%2Fdrops%2F1');
      answerInventory(10);
      expect(buyButton().textContent?.trim()).toBe('Sign in to buy');
    });
  });

  it('rests Buy now for the Retry-After seconds after a 429, then offers it again', () => {
    jest.useFakeTimers();
    openLoaded(10);
    clickBuy();
    http.expectOne('/buy').flush(problem(429, 'RATE_LIMITED'), {
      status: 429,
      statusText: 'Too Many Requests',
      headers: { 'Retry-After': '3' },
    });
    render();
    answerInventory(10);
    expect(text('purchase-message')).toMatch(/Please wait 3 seconds/);
    expect(buyButton().disabled).toBe(true);
    expect(buyButton().textContent?.trim()).toBe('Please wait…');
    jest.advanceTimersByTime(2999);
    render();
    expect(buyButton().disabled).toBe(true);
    jest.advanceTimersByTime(1);
    render();
    expect(buyButton().disabled).toBe(false);
  });
});
