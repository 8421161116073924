import type { Product } from '@gtd/shared-contracts';
import { Observable, of, throwError } from 'rxjs';
import { GOLDEN_TICKET } from '../../testing';
import { loadProduct, parseProductId, ProductState } from './drop-product';

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

describe('loadProduct', () => {
  const backoff = { intervalMs: 1000, maxBackoffMs: 4000 };
  afterEach(() => jest.useRealTimers());

  /** A `find` that fails `failures` times, then answers; counts its calls. */
  function flaky(failures: number): {
    find: (id: number) => Observable<Product | null>;
    calls: () => number;
  } {
    let calls = 0;
    return {
      find: () => (++calls <= failures ? throwError(() => new Error('down')) : of(GOLDEN_TICKET)),
      calls: () => calls,
    };
  }

  it('after a failed first load, tries again by itself with growing back-off until it answers', () => {
    jest.useFakeTimers();
    const { find, calls } = flaky(4);
    const states: ProductState[] = [];
    const subscription = loadProduct(find, 1, { status: 'loading' }, backoff).subscribe((s) =>
      states.push(s),
    );
    expect(states).toEqual([{ status: 'loading' }, { status: 'error', failures: 1, retryInMs: 1000 }]);
    jest.advanceTimersByTime(999);
    expect(calls()).toBe(1);
    jest.advanceTimersByTime(1);
    expect(calls()).toBe(2);
    jest.advanceTimersByTime(2000);
    expect(calls()).toBe(3);
    jest.advanceTimersByTime(4000);
    jest.advanceTimersByTime(4000); // capped
    expect(calls()).toBe(5);
    expect(states.map((s) => (s.status === 'error' ? s.retryInMs : s.status))).toEqual([
      'loading',
      1000,
      2000,
      4000,
      4000,
      'ready',
    ]);
    subscription.unsubscribe();
  });

  it('keeps a drop already shown when its reload fails, without retrying', () => {
    jest.useFakeTimers();
    const { find, calls } = flaky(1);
    const shown: ProductState = { status: 'ready', product: GOLDEN_TICKET, askedAtMs: 1 };
    const states: ProductState[] = [];
    loadProduct(find, 1, shown, backoff).subscribe((s) => states.push(s));
    jest.advanceTimersByTime(60_000);
    expect(states).toEqual([shown]);
    expect(calls()).toBe(1);
  });
});
