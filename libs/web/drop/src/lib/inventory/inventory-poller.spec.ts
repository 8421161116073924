import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { createEnvironmentInjector, EnvironmentInjector, runInInjectionContext } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { TestBed } from '@angular/core/testing';
import { Subscription } from 'rxjs';
import { API_BASE_URL, INVENTORY_MAX_BACKOFF_MS, INVENTORY_POLL_INTERVAL_MS } from '../config/drop-config';
import { InventoryPoller } from './inventory-poller';
import { backoffDelay, InventoryState } from './inventory-state';

const URL = 'http://api.test/products/1/inventory';
const INTERVAL = 1000;

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

  function watch(into: InventoryState[] = states): void {
    subscriptions.push(poller.watch(1).subscribe((s) => into.push(s)));
  }

  function answer(available: number): void {
    http.expectOne(URL).flush({ productId: 1, available });
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
    expect(states.at(-1)).toEqual({ status: 'live', available: 42 });

    jest.advanceTimersByTime(INTERVAL - 1);
    http.expectNone(URL);
    jest.advanceTimersByTime(1);
    answer(41);
    jest.advanceTimersByTime(INTERVAL);
    answer(40);
    expect(states).toEqual([
      { status: 'loading' },
      { status: 'live', available: 42 },
      { status: 'live', available: 41 },
      { status: 'live', available: 40 },
    ]);
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
    expect(late).toEqual([{ status: 'live', available: 6 }]);
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
    slow.flush({ productId: 1, available: 3 });
    expect(states.at(-1)).toEqual({ status: 'live', available: 3 });

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
    expect(states.at(-1)).toEqual({ status: 'live', available: 9 });

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
    expect(states.at(-1)).toEqual({ status: 'live', available: 3 });
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
});
