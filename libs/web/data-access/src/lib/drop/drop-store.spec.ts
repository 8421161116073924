import { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { DropState, Product } from '@gtd/shared-contracts';
import { buyerSession, GOLDEN_TICKET, problem, provideDataAccessTesting } from '../../testing';
import { BuyerSession } from '../auth/buyer-session';
import { InventoryPoller } from '../inventory/inventory-poller';
import { OrderHistory } from '../orders/order-history';
import { DropStore } from './drop-store';

const PRODUCT = GOLDEN_TICKET;

describe('DropStore', () => {
  let http: HttpTestingController;
  let store: DropStore;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [DropStore, provideDataAccessTesting()] });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    http.verify();
    jest.useRealTimers();
  });

  function open(id: string): void {
    store = TestBed.inject(DropStore);
    store.connect(signal(id));
    TestBed.tick();
  }

  function answerInventory(
    available: number,
    state: DropState = available === 0 ? 'sold_out' : 'live',
  ): void {
    http.expectOne('/products/1/inventory').flush({ productId: 1, available, state, pollAfterMs: 2000 });
    TestBed.tick();
  }

  /** The drop `/drops/1` with `product`'s changes, loaded and polled once. */
  function openLoaded(product: Partial<Product> = {}): void {
    open('1');
    http.expectOne('/products/1').flush({ ...PRODUCT, ...product });
    TestBed.tick();
    answerInventory(product.available ?? PRODUCT.available, product.state);
  }

  function answerBuy(status: number, body: unknown, headers: Record<string, string> = {}): void {
    const req = http.expectOne('/buy');
    if (status === 0) {
      req.error(new ProgressEvent('error'));
    } else {
      req.flush(body, { status, statusText: String(status), headers });
    }
    TestBed.tick();
  }

  const sale = (quantity: number, remaining: number) => ({
    orderId: `o-${remaining}`,
    productId: 1,
    quantity,
    remaining,
  });

  describe('the drop', () => {
    it('loads the product of the connected id, then follows its live count', () => {
      open('1');
      expect(store.productState()).toEqual({ status: 'loading' });
      http.expectOne('/products/1').flush(PRODUCT);
      TestBed.tick();
      expect(store.product()?.name).toBe('Golden Ticket');
      expect(store.inventory()).toEqual({ status: 'loading' });
      expect(store.lastKnown()).toBe(10); // the catalogue's count until the first poll answers
      answerInventory(7);
      expect(store.inventory()).toMatchObject({ status: 'live', available: 7 });
      expect(store.lastKnown()).toBe(7);
      expect(store.dropState()).toBe('live');
    });

    it('is not found for a malformed id, without asking the API', () => {
      open('1e3');
      expect(store.productState()).toEqual({ status: 'not-found' });
      expect(store.product()).toBeNull();
    });

    it('keeps the drop shown when a reload fails', () => {
      openLoaded();
      store.reload();
      TestBed.tick();
      http.expectOne('/products/1').error(new ProgressEvent('error'));
      TestBed.tick();
      expect(store.productState()).toMatchObject({ status: 'ready', product: { id: 1 } });
    });

    it('offers 1 … min(per-purchase maximum, what is left) and keeps the choice within it', () => {
      openLoaded();
      expect(store.quantityOptions()).toEqual([1, 2, 3, 4, 5]);
      store.chooseQuantity(4);
      store.chooseQuantity(0); // ignored
      store.chooseQuantity(2.5); // ignored
      expect(store.quantity()).toBe(4);
      TestBed.inject(InventoryPoller).refresh(1);
      answerInventory(2); // the count drops under the choice
      expect(store.quantityOptions()).toEqual([1, 2]);
      expect(store.quantity()).toBe(2);
    });
  });

  describe('the purchase', () => {
    it('buy(): pending while in flight (a second press does nothing), then done with the outcome', () => {
      openLoaded();
      store.chooseQuantity(2);
      expect(store.purchase()).toEqual({ status: 'idle' });
      expect(store.buy()).toBe('sent');
      expect(store.purchase()).toMatchObject({ status: 'pending', attempt: { idempotencyKey: 'key-1' } });
      expect(store.buyStatus()).toBe('buying');
      expect(store.canBuy()).toBe(false);
      expect(store.buy()).toBe('ignored');

      const req = http.expectOne('/buy');
      expect(req.request.body).toEqual({ productId: 1, quantity: 2 });
      req.flush(sale(2, 8), { status: 201, statusText: 'Created' });
      TestBed.tick();
      expect(store.purchase()).toMatchObject({ status: 'done', outcome: { kind: 'success' } });
      // The count is asked for again at once.
      answerInventory(8);
      expect(store.canBuy()).toBe(true);
    });

    it('keeps an anonymous buyer’s confirmed order on the device, and a signed-in buyer’s not', () => {
      const history = TestBed.inject(OrderHistory);
      openLoaded();
      store.buy();
      answerBuy(201, sale(1, 9));
      answerInventory(9);
      expect(history.orders()).toEqual([
        {
          orderId: 'o-9',
          productId: 1,
          productName: 'Golden Ticket',
          quantity: 1,
          confirmedAt: expect.any(String),
        },
      ]);
      // A refusal keeps nothing.
      store.buy();
      answerBuy(409, problem(409, 'SOLD_OUT'));
      answerInventory(5);
      expect(history.orders()).toHaveLength(1);

      TestBed.inject(BuyerSession).start(buyerSession());
      TestBed.tick();
      expect(store.buy()).toBe('sent');
      answerBuy(201, sale(1, 4));
      answerInventory(4);
      expect(history.orders().map((o) => o.orderId)).toEqual(['o-9']);
    });

    it('retry(): the same attempt with the same Idempotency-Key, and only after an answer', () => {
      openLoaded();
      store.retry(); // nothing to retry yet
      http.expectNone('/buy');

      store.buy();
      answerBuy(0, null);
      expect(store.purchase()).toMatchObject({ status: 'done', outcome: { kind: 'network' } });
      answerInventory(10);

      store.retry();
      expect(store.pending()).toBe(true);
      const again = http.expectOne('/buy');
      expect(again.request.headers.get('Idempotency-Key')).toBe('key-1');
      again.flush(sale(1, 9), { status: 201, statusText: 'Created' });
      TestBed.tick();
      answerInventory(9);

      store.buy(); // a new press: a new key
      expect(http.expectOne('/buy').request.headers.get('Idempotency-Key')).toBe('key-2');
    });

    it('buy() on a per-buyer drop while signed out sends nothing and asks for sign-in first', () => {
      openLoaded({ perBuyerLimit: 2 });
      expect(store.needsSignIn()).toBe(true);
      expect(store.buyStatus()).toBe('sign-in');
      expect(store.buy()).toBe('sign-in-first');
      http.expectNone('/buy');
    });

    it('learns what the signed-in buyer holds: a sale adds to it, LIMIT_REACHED says it', () => {
      const session = TestBed.inject(BuyerSession);
      session.start(buyerSession());
      openLoaded({ perBuyerLimit: 3 });
      expect(store.maxQuantity()).toBe(3);

      store.buy();
      answerBuy(201, sale(1, 9));
      answerInventory(9);
      expect(store.held()).toBe(1);
      expect(store.maxQuantity()).toBe(2);

      store.buy();
      answerBuy(409, problem(409, 'LIMIT_REACHED', { limit: 3, bought: 3 }));
      answerInventory(9);
      expect(store.held()).toBe(3);
      expect(store.limitReached()).toBe(true);
      expect(store.buyStatus()).toBe('limit-reached');
      expect(store.canBuy()).toBe(false);

      // What one buyer holds says nothing about the next one on this tab.
      session.start({ ...buyerSession('token-2'), buyer: { id: 'b-2', email: 'bo@example.com' } });
      expect(store.held()).toBe(0);
      expect(store.canBuy()).toBe(true);
    });

    it('rests Buy now for Retry-After after a 429 (5 s without one)', () => {
      jest.useFakeTimers();
      openLoaded();
      store.buy();
      answerBuy(429, problem(429, 'RATE_LIMITED'), { 'Retry-After': '2' });
      answerInventory(10);
      expect(store.rateLimited()).toBe(true);
      expect(store.buyStatus()).toBe('rate-limited');
      expect(store.canBuy()).toBe(false);
      jest.advanceTimersByTime(2000);
      expect(store.canBuy()).toBe(true);

      store.buy();
      answerBuy(429, 'Too Many Requests'); // a proxy's bare 429
      answerInventory(10);
      jest.advanceTimersByTime(4999);
      expect(store.rateLimited()).toBe(true);
      jest.advanceTimersByTime(1);
      expect(store.rateLimited()).toBe(false);
    });
  });

  describe('after a lost answer: no second purchase', () => {
    const key = (req: { request: { headers: { get(name: string): string | null } } }) =>
      req.request.headers.get('Idempotency-Key');

    /** Buys `quantity` and loses the answer (the server may have sold). */
    function loseAnswer(quantity = 2): void {
      store.chooseQuantity(quantity);
      store.buy();
      answerBuy(0, null);
      answerInventory(10);
    }

    it('Buy now re-sends the unknown attempt (same key, same body) until an answer settles it', () => {
      openLoaded();
      loseAnswer(2);
      expect(store.unsettled()).toEqual({ request: { productId: 1, quantity: 2 }, idempotencyKey: 'key-1' });
      expect(store.purchase()).toMatchObject({ status: 'done', outcomeUnknown: true });
      expect(store.buyStatus()).toBe('unsettled');
      expect(store.canBuy()).toBe(true);

      // The buyer picks another quantity: it waits, the unknown attempt goes first.
      store.chooseQuantity(4);
      expect(store.canChooseQuantity()).toBe(false);
      expect(store.quantity()).toBe(2);
      expect(store.quantityOptions()).toEqual([2]);

      expect(store.buy()).toBe('sent');
      const again = http.expectOne('/buy');
      expect(key(again)).toBe('key-1');
      expect(again.request.body).toEqual({ productId: 1, quantity: 2 });
      again.flush(sale(2, 8), {
        status: 201,
        statusText: 'Created',
        headers: { 'Idempotent-Replayed': 'true' },
      });
      TestBed.tick();
      answerInventory(8);
      expect(store.unsettled()).toBeNull();
      expect(store.purchase()).toMatchObject({ outcome: { kind: 'success' }, outcomeUnknown: false });
      expect(store.buyStatus()).toBe('ready');
      expect(store.quantity()).toBe(4); // the waiting choice applies now

      store.buy(); // settled: a new attempt, a new key
      expect(key(http.expectOne('/buy'))).toBe('key-2');
    });

    it('Retry and Buy now both re-send it after a 503 UNKNOWN, and still after another lost answer', () => {
      openLoaded();
      store.buy();
      answerBuy(503, problem(503, 'SERVICE_UNAVAILABLE', { purchase: 'UNKNOWN' }));
      answerInventory(10);
      store.retry();
      const retried = http.expectOne('/buy');
      expect(key(retried)).toBe('key-1');
      retried.error(new ProgressEvent('error'));
      TestBed.tick();
      answerInventory(10);
      store.buy();
      const pressed = http.expectOne('/buy');
      expect(key(pressed)).toBe('key-1');
      pressed.flush(problem(409, 'SOLD_OUT'), { status: 409, statusText: 'Conflict' });
      TestBed.tick();
      answerInventory(0);
      // SOLD_OUT for that key: the store found no sale under it, so the outcome is known.
      expect(store.unsettled()).toBeNull();
      expect(store.buyStatus()).toBe('sold_out');
    });

    it.each([
      ['201', 201, sale(1, 9)],
      ['503 NOT_MADE', 503, problem(503, 'SERVICE_UNAVAILABLE', { purchase: 'NOT_MADE' })],
      ['409 INSUFFICIENT_STOCK', 409, problem(409, 'INSUFFICIENT_STOCK', { available: 1 })],
    ])('a known answer (%s) leaves nothing unsettled: the next Buy now has a new key', (_, status, body) => {
      openLoaded();
      store.buy();
      answerBuy(status, body);
      answerInventory(9);
      expect(store.unsettled()).toBeNull();
      store.buy();
      expect(key(http.expectOne('/buy'))).toBe('key-2');
    });

    it('a 429 to the re-sent attempt settles nothing: after the rest, Buy now re-sends it again', () => {
      jest.useFakeTimers();
      openLoaded();
      loseAnswer(1);
      store.buy();
      answerBuy(429, problem(429, 'RATE_LIMITED'), { 'Retry-After': '2' });
      answerInventory(10);
      expect(store.purchase()).toMatchObject({ outcome: { kind: 'rate-limited' }, outcomeUnknown: true });
      expect(store.buyStatus()).toBe('rate-limited');
      expect(store.canBuy()).toBe(false);
      jest.advanceTimersByTime(2000);
      expect(store.buyStatus()).toBe('unsettled');
      store.buy();
      expect(key(http.expectOne('/buy'))).toBe('key-1');
    });

    it('can be re-sent even when the drop shows sold out (it may have bought the last one)', () => {
      openLoaded();
      loseAnswer(1);
      TestBed.inject(InventoryPoller).refresh(1);
      answerInventory(0);
      expect(store.dropState()).toBe('sold_out');
      expect(store.buyStatus()).toBe('unsettled');
      expect(store.canBuy()).toBe(true);
      store.buy();
      expect(key(http.expectOne('/buy'))).toBe('key-1');
    });

    it("is the buyer's own: another buyer on this tab starts afresh, the first one finds it again", () => {
      const session = TestBed.inject(BuyerSession);
      session.start(buyerSession());
      openLoaded();
      loseAnswer(1);
      session.start({ ...buyerSession('token-2'), buyer: { id: 'b-2', email: 'bo@example.com' } });
      expect(store.unsettled()).toBeNull();
      expect(store.buyStatus()).toBe('ready');
      session.start(buyerSession('token-3'));
      expect(store.unsettled()).toMatchObject({ idempotencyKey: 'key-1' });
    });
  });

  describe('buyStatus', () => {
    it.each([
      ['upcoming', 'upcoming'],
      ['paused', 'paused'],
      ['sold_out', 'sold_out'],
      ['ended', 'ended'],
      ['live', 'ready'],
    ] as const)('a %s drop is %p', (state, status) => {
      openLoaded({ state, available: state === 'sold_out' ? 0 : 10 });
      expect(store.buyStatus()).toBe(status);
      expect(store.canBuy()).toBe(status === 'ready');
    });
  });
});
