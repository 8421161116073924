import { countdown } from './countdown';

describe('countdown', () => {
  const START = Date.parse('2030-01-01T10:00:00.000Z');

  beforeEach(() => jest.useFakeTimers({ now: START }));
  afterEach(() => jest.useRealTimers());

  function record(targetMs: number, stepMs?: number): { values: number[]; done: () => boolean } {
    const values: number[] = [];
    let completed = false;
    countdown(targetMs, stepMs).subscribe({
      next: (v) => values.push(v),
      complete: () => (completed = true),
    });
    return { values, done: () => completed };
  }

  it('emits what is left at once, then on each whole second, and 0 exactly at the target', () => {
    const { values, done } = record(START + 3500);
    expect(values).toEqual([3500]);
    jest.advanceTimersByTime(499);
    expect(values).toEqual([3500]);
    jest.advanceTimersByTime(1);
    expect(values).toEqual([3500, 3000]);
    jest.advanceTimersByTime(2000);
    expect(values).toEqual([3500, 3000, 2000, 1000]);
    expect(done()).toBe(false);
    jest.advanceTimersByTime(1000);
    expect(values.at(-1)).toBe(0);
    expect(done()).toBe(true);
  });

  it('catches up after a late timer instead of drifting (a busy or throttled page)', () => {
    let skew = 0;
    const values: number[] = [];
    countdown(START + 5000, 1000, () => Date.now() + skew).subscribe((v) => values.push(v));
    skew = 1700; // the clock jumped (e.g. the tab slept)
    jest.advanceTimersByTime(1000);
    expect(values).toEqual([5000, 2300]);
    jest.advanceTimersByTime(300); // realigned to the next whole second before the target
    expect(values.at(-1)).toBe(2000);
  });

  it('completes at once with 0 when the target has passed', () => {
    const { values, done } = record(START - 10);
    expect(values).toEqual([0]);
    expect(done()).toBe(true);
  });

  it('never schedules a timer longer than one step, even for a target weeks away', () => {
    const spy = jest.spyOn(global, 'setTimeout');
    record(START + 40 * 86_400_000, 60_000);
    const delays = spy.mock.calls.map((call) => call[1] ?? 0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(60_000);
    spy.mockRestore();
  });
});
