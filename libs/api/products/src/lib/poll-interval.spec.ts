import { DropState } from '@gtd/shared-contracts';
import { loadFactorOf, MAX_POLL_FACTOR, nextLoadFactor, pollAfterMs } from './poll-interval';

const STATES: DropState[] = ['live', 'paused', 'upcoming', 'sold_out', 'ended'];

describe('loadFactorOf', () => {
  it('is 1 while the process has room', () => {
    expect(loadFactorOf({ utilization: 0, delayP99Ms: 10 })).toBe(1);
    expect(loadFactorOf({ utilization: 0.7, delayP99Ms: 100 })).toBe(1);
  });

  it('reaches the maximum when the event loop is saturated, by either signal', () => {
    expect(loadFactorOf({ utilization: 0.95, delayP99Ms: 10 })).toBe(MAX_POLL_FACTOR);
    expect(loadFactorOf({ utilization: 1, delayP99Ms: 10 })).toBe(MAX_POLL_FACTOR);
    expect(loadFactorOf({ utilization: 0.1, delayP99Ms: 500 })).toBe(MAX_POLL_FACTOR);
    expect(loadFactorOf({ utilization: 0.1, delayP99Ms: 5000 })).toBe(MAX_POLL_FACTOR);
  });

  it('rises steadily in between', () => {
    const factors = [0.7, 0.75, 0.8, 0.85, 0.9, 0.95].map((utilization) =>
      loadFactorOf({ utilization, delayP99Ms: 0 }),
    );
    expect([...factors].sort((a, b) => a - b)).toEqual(factors);
    expect(new Set(factors).size).toBe(factors.length);
  });
});

describe('nextLoadFactor', () => {
  it('jumps up to the step of the sample at once', () => {
    expect(nextLoadFactor(1, 3.7)).toBe(3);
    expect(nextLoadFactor(1, 10)).toBe(MAX_POLL_FACTOR);
  });

  it('comes down one step per sample', () => {
    const path = [MAX_POLL_FACTOR];
    while (path.at(-1) !== 1) path.push(nextLoadFactor(path.at(-1) as number, 1));
    expect(path).toEqual([10, 8, 6, 4, 3, 2, 1.5, 1]);
  });

  it('stays put while the load does', () => {
    expect(nextLoadFactor(4, 4.2)).toBe(4);
  });
});

describe('pollAfterMs', () => {
  it('is the base interval for a live drop on an idle server', () => {
    expect(pollAfterMs(1000, 1, 'live', null)).toBe(1000);
    expect(pollAfterMs(250, 1, 'live', null)).toBe(250);
  });

  it('stretches with load, up to 10× the base', () => {
    expect(pollAfterMs(1000, 3, 'live', null)).toBe(3000);
    expect(pollAfterMs(1000, MAX_POLL_FACTOR, 'live', null)).toBe(10_000);
  });

  it('is longer while nothing is for sale', () => {
    expect(pollAfterMs(1000, 1, 'paused', null)).toBe(2000);
    expect(pollAfterMs(1000, 1, 'sold_out', null)).toBe(5000);
    expect(pollAfterMs(1000, 1, 'ended', null)).toBe(10_000);
  });

  it('never exceeds 10× the base, whatever the state and load', () => {
    for (const state of STATES) {
      for (const load of [1, 2, 4, 8, MAX_POLL_FACTOR]) {
        const ms = pollAfterMs(1000, load, state, 3_600_000);
        expect(ms).toBeGreaterThanOrEqual(1000);
        expect(ms).toBeLessThanOrEqual(10_000);
      }
    }
  });

  it('never lets an upcoming drop’s next poll come after its opening', () => {
    expect(pollAfterMs(1000, 1, 'upcoming', 3_600_000)).toBe(5000);
    expect(pollAfterMs(1000, MAX_POLL_FACTOR, 'upcoming', 2500)).toBe(2500);
    expect(pollAfterMs(1000, 1, 'upcoming', 400.2)).toBe(401);
    expect(pollAfterMs(1000, 1, 'upcoming', 0.3)).toBe(1);
  });
});
