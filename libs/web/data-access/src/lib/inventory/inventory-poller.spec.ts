import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { createEnvironmentInjector, EnvironmentInjector, runInInjectionContext } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { TestBed } from '@angular/core/testing';
import { Subscription } from 'rxjs';
import type { DropState, Inventory } from '@gtd/shared-contracts';
import {
  API_BASE_URL,
  INVENTORY_MAX_BACKOFF_MS,
  INVENTORY_MAX_POLL_INTERVAL_MS,
  INVENTORY_POLL_INTERVAL_MS,
} from '../config/api-config';
import { InventoryPoller } from './inventory-poller';
import { backoffDelay, InventoryState, nextPollDelay } from './inventory-state';

const URL = 'http://api.test/products/1/inventory';
const INTERVAL = 1000;
const MAX_INTERVAL = 30_000;

/** The state a successful poll yields (when it was asked is checked where it matters). */
const live = (available: number, dropState: DropState = 'live'): InventoryState => ({
  status: 'live',
  available,
  dropState,
  askedAtMs: expect.any(Number),
});

let visibility: DocumentVisibilityState = 'visible';
function setVisibility(state: DocumentVisibilityState): void {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('InventoryPoller', () => {
  let poller: InventoryPoller;
  let http: HttpTestingController;
  let states: InventoryState[];
  let subscriptions: Subscription[];

  beforeAll(() => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => visibility,
    });
  });

  beforeEach(() => {
    jest.useFakeTimers();
    visibility = 'visible';
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        { provide: API_BASE_URL, useValue: 'http://api.test' },
        { provide: INVENTORY_POLL_INTERVAL_MS, useValue: INTERVAL },
        { provide: INVENTORY_MAX_BACKOFF_MS, useValue: 8000 },
        { provide: INVENTORY_MAX_POLL_INTERVAL_MS, useValue: MAX_INTERVAL },
      ],
    });
    poller = TestBed.inject(InventoryPoller);
    http = TestBed.inject(HttpTestingController);
    states = [];
    subscriptions = [];
  });

  afterEach(() => {
    subscriptions.forEach((s) => s.unsubscribe());
    http.verify();
    jest.useRealTimers();
  });

  /** Lets `ms` pass, checking that the next poll goes out exactly then and not a millisecond before. */
  function waitForNextPoll(ms: number): void {
    jest.advanceTimersByTime(ms - 1);
    http.expectNone(URL);
    jest.advanceTimersByTime(1);
  }

  function watch(into: InventoryState[] = states): void {
    subscriptions.push(poller.watch(1).subscribe((s) => into.push(s)));
  }

  /** Answers the pending poll; the server suggests the configured interval unless told otherwise. */
  function answer(available: number, extra: Partial<Inventory> = {}): void {
    const body: Inventory = { productId: 1, available, state: 'live', pollAfterMs: INTERVAL, ...extra };
    http.expectOne(URL).flush(body);
  }

  function fail(status = 503): void {
    const req = http.expectOne(URL);
    if (status === 0) {
      req.error(new ProgressEvent('error'));
    } else {
      req.flush(
        { status, code: 'SERVICE_UNAVAILABLE', title: 'x', detail: 'x' },
        { status, statusText: 'Error' },
      );
    }
  }

  it('starts with loading, polls at once, then once per interval', () => {
    watch();
    expect(states).toEqual([{ status: 'loading' }]);
    answer(42);
    expect(states.at(-1)).toEqual(live(42));

    waitForNextPoll(INTERVAL);
    answer(41);
    jest.advanceTimersByTime(INTERVAL);
    answer(40);
    expect(states).toEqual([{ status: 'loading' }, live(42), live(41), live(40)]);
  });

  it('shares one request among all subscribers and replays the last state', () => {
    const first: InventoryState[] = [];
    const second: InventoryState[] = [];
    watch(first);
    watch(second);
    answer(7); // expectOne: both subscribers caused a single request
    jest.advanceTimersByTime(INTERVAL);
    answer(6);

    const late: InventoryState[] = [];
    watch(late);
    expect(late).toEqual([live(6)]);
    http.expectNone(URL);
    expect(first).toEqual(second);
  });

  it('pauses while the page is hidden and polls at once when it is visible again', () => {
    watch();
    answer(10);
    setVisibility('hidden');
    jest.advanceTimersByTime(INTERVAL * 10);
    http.expectNone(URL);

    setVisibility('visible');
    answer(9); // immediately, without waiting for a tick
    jest.advanceTimersByTime(INTERVAL);
    answer(8);
  });

  it('does not start polling while the page starts hidden', () => {
    visibility = 'hidden';
    watch();
    jest.advanceTimersByTime(INTERVAL * 5);
    http.expectNone(URL);
    setVisibility('visible');
    answer(5);
  });

  it('never overlaps requests: ticks are ignored while a poll is in flight', () => {
    watch();
    const slow = http.expectOne(URL);
    jest.advanceTimersByTime(INTERVAL * 5);
    expect(http.match(URL)).toHaveLength(0); // still only the slow one pending
    slow.flush({ productId: 1, available: 3, state: 'live', pollAfterMs: INTERVAL });
    expect(states.at(-1)).toEqual(live(3));

    // The cadence continues from the interval, not from a backlog of missed ticks.
    http.expectNone(URL);
    jest.advanceTimersByTime(INTERVAL);
    answer(2);
  });

  it('says reconnecting instead of a stale number and backs off exponentially', () => {
    watch();
    answer(10);
    jest.advanceTimersByTime(INTERVAL);
    fail(503);
    expect(states.at(-1)).toEqual({
      status: 'reconnecting',
      failures: 1,
      retryInMs: 1000,
    });

    jest.advanceTimersByTime(999);
    http.expectNone(URL);
    jest.advanceTimersByTime(1);
    fail(0); // network failure
    expect(states.at(-1)).toEqual({
      status: 'reconnecting',
      failures: 2,
      retryInMs: 2000,
    });

    jest.advanceTimersByTime(1999);
    http.expectNone(URL);
    jest.advanceTimersByTime(1);
    fail(500);
    expect(states.at(-1)).toMatchObject({ failures: 3, retryInMs: 4000 });

    jest.advanceTimersByTime(4000);
    answer(9);
    expect(states.at(-1)).toEqual(live(9));

    // Back to the normal cadence, and the back-off starts over on the next failure.
    jest.advanceTimersByTime(INTERVAL);
    fail();
    expect(states.at(-1)).toMatchObject({ failures: 1, retryInMs: 1000 });
    jest.advanceTimersByTime(1000);
    answer(8);
  });

  it('caps the back-off', () => {
    expect(backoffDelay(1, 1000, 8000)).toBe(1000);
    expect(backoffDelay(4, 1000, 8000)).toBe(8000);
    expect(backoffDelay(50, 1000, 8000)).toBe(8000);
  });

  it('polls at once on refresh, also cutting a back-off short', () => {
    watch();
    answer(5);
    poller.refresh(1);
    answer(4);
    poller.refresh(2); // another product: ignored here
    http.expectNone(URL);

    jest.advanceTimersByTime(INTERVAL);
    fail();
    poller.refresh(1);
    answer(3);
    expect(states.at(-1)).toEqual(live(3));
  });

  it('stops polling and cancels the request in flight when the last subscriber leaves', () => {
    watch();
    answer(5);
    jest.advanceTimersByTime(INTERVAL);
    const inFlight = http.expectOne(URL);
    subscriptions.forEach((s) => s.unsubscribe());
    expect(inFlight.cancelled).toBe(true);
    jest.advanceTimersByTime(INTERVAL * 10);
    http.expectNone(URL);
  });

  it('is torn down with the page that watched it (takeUntilDestroyed)', () => {
    const page = createEnvironmentInjector([], TestBed.inject(EnvironmentInjector));
    runInInjectionContext(page, () =>
      poller
        .watch(1)
        .pipe(takeUntilDestroyed())
        .subscribe((s) => states.push(s)),
    );
    answer(5);
    page.destroy();
    jest.advanceTimersByTime(INTERVAL * 10);
    http.expectNone(URL);
    expect(states).toHaveLength(2);
  });

  it('starts afresh after a full teardown instead of replaying an old count', () => {
    watch();
    answer(5);
    subscriptions.forEach((s) => s.unsubscribe());

    const again: InventoryState[] = [];
    watch(again);
    expect(again).toEqual([{ status: 'loading' }]);
    answer(4);
  });

  describe("the server's pollAfterMs", () => {
    it('waits as long as the server asks when that is longer than the configured interval', () => {
      watch();
      answer(10, { pollAfterMs: 5000 });
      waitForNextPoll(5000);
      answer(9, { pollAfterMs: 3000 }); // each answer sets the next wait
      waitForNextPoll(3000);
      answer(8);
      expect(states.at(-1)).toEqual(live(8));
    });

    it('never polls faster than the configured interval, whatever the server says', () => {
      watch();
      answer(10, { pollAfterMs: 10 });
      waitForNextPoll(INTERVAL);
      answer(9, { pollAfterMs: -5 });
      jest.advanceTimersByTime(INTERVAL);
      answer(8);
    });

    it('caps a huge suggestion, so the count cannot freeze for hours', () => {
      watch();
      answer(10, { pollAfterMs: 3_600_000 });
      waitForNextPoll(MAX_INTERVAL);
      answer(9);
    });

    it('still polls at once on refresh and when the page becomes visible', () => {
      watch();
      answer(10, { pollAfterMs: 20_000 });
      poller.refresh(1);
      answer(9, { pollAfterMs: 20_000 });
      setVisibility('hidden');
      jest.advanceTimersByTime(60_000);
      http.expectNone(URL);
      setVisibility('visible');
      answer(8, { pollAfterMs: 20_000 });
      waitForNextPoll(20_000);
      answer(7);
    });

    it("backs off from the configured interval after a failure, not from the server's suggestion", () => {
      watch();
      answer(10, { pollAfterMs: 20_000 });
      jest.advanceTimersByTime(20_000);
      fail();
      expect(states.at(-1)).toEqual({ status: 'reconnecting', failures: 1, retryInMs: INTERVAL });
      jest.advanceTimersByTime(INTERVAL);
      answer(9);
    });

    it.each([
      [undefined, 1000],
      [Number.NaN, 1000],
      [500, 1000],
      [2500, 2500],
      [90_000, 60_000],
    ])('nextPollDelay(%p) with minimum 1000 and cap 60000 is %p', (pollAfterMs, expected) => {
      expect(nextPollDelay(pollAfterMs, 1000, 60_000)).toBe(expected);
    });
  });

  it('reports the drop state the server gives and when the poll was sent, not answered', () => {
    jest.setSystemTime(new Date('2030-01-01T10:00:00.000Z'));
    watch();
    const request = http.expectOne(URL);
    jest.advanceTimersByTime(300); // a slow answer
    request.flush({ productId: 1, available: 5, state: 'upcoming', pollAfterMs: INTERVAL });
    expect(states.at(-1)).toEqual({
      status: 'live',
      available: 5,
      dropState: 'upcoming',
      askedAtMs: Date.parse('2030-01-01T10:00:00.000Z'),
    });
  });

  it('asks the browser to revalidate every poll instead of trusting its cache', () => {
    watch();
    const request = http.expectOne(URL);
    expect(request.request.cache).toBe('no-cache');
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({ productId: 1, available: 5, state: 'live', pollAfterMs: INTERVAL });
  });
});
