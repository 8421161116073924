import { DropSummary, ErrorCode } from '@gtd/shared-contracts';
import { SOLD } from './outcomes';
import { SellThroughSeries } from './sell-through-series';

const T0 = 1_700_000_000_000;

function summary(over: Partial<DropSummary>): DropSummary {
  return {
    productId: 1,
    state: 'live',
    stock: 100,
    sold: 0,
    available: 100,
    orders: 0,
    buyers: 0,
    rejects: {},
    ...over,
  };
}

function column(series: SellThroughSeries, outcome: string): (number | null)[] {
  const i = series.outcomes().indexOf(outcome);
  return series.attemptsPerSecond()[i + 1];
}

describe('SellThroughSeries', () => {
  it('counts attempts per second from the deltas of cumulative counters, the first summary being a baseline', () => {
    const s = new SellThroughSeries();
    s.add(summary({ sold: 10, available: 90, orders: 5, rejects: { [ErrorCode.LimitReached]: 2 } }), T0);
    s.add(
      summary({ sold: 14, available: 86, orders: 8, rejects: { [ErrorCode.LimitReached]: 3 } }),
      T0 + 1000,
    );
    s.add(
      summary({
        sold: 15,
        available: 85,
        orders: 9,
        rejects: { [ErrorCode.LimitReached]: 3, [ErrorCode.SoldOut]: 4 },
      }),
      T0 + 2000,
    );
    expect(s.outcomes()).toEqual([SOLD, ErrorCode.SoldOut, ErrorCode.LimitReached]);
    expect(column(s, SOLD)).toEqual([null, 3, 1]);
    expect(column(s, ErrorCode.LimitReached)).toEqual([null, 1, 0]);
    // An outcome first seen later counts from zero: its whole count arrived in that second.
    expect(column(s, ErrorCode.SoldOut)).toEqual([null, 0, 4]);
    expect(s.levels()).toEqual([
      [T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2],
      [10, 14, 15],
      [90, 86, 85],
      [100, 100, 100],
    ]);
  });

  it('adds up several summaries in one second and carries the levels through quiet seconds', () => {
    const s = new SellThroughSeries();
    s.add(summary({ orders: 0 }), T0);
    s.add(summary({ orders: 2, sold: 2, available: 98 }), T0 + 1100);
    s.add(summary({ orders: 5, sold: 5, available: 95 }), T0 + 1900);
    s.tick(T0 + 4500);
    expect(column(s, SOLD)).toEqual([null, 5, 0, 0, 0]);
    expect(s.levels()[1]).toEqual([0, 5, 5, 5, 5]);
    expect(s.recentAttempts(60)).toEqual([{ outcome: SOLD, count: 5 }]);
  });

  it('draws no attempts for a restock: stock and available move, the counters do not', () => {
    const s = new SellThroughSeries();
    s.add(summary({ stock: 10, sold: 10, available: 0, orders: 10 }), T0);
    s.add(summary({ stock: 60, sold: 10, available: 50, orders: 10 }), T0 + 1000);
    expect(column(s, SOLD)).toEqual([null, 0]);
    expect(s.levels()[2]).toEqual([0, 50]);
    expect(s.levels()[3]).toEqual([10, 60]);
  });

  it('never counts a negative delta (a counter that went down)', () => {
    const s = new SellThroughSeries();
    s.add(summary({ orders: 10, rejects: { [ErrorCode.SoldOut]: 5 } }), T0);
    s.add(summary({ orders: 9, rejects: { [ErrorCode.SoldOut]: 2 } }), T0 + 1000);
    s.add(summary({ orders: 11, rejects: { [ErrorCode.SoldOut]: 3 } }), T0 + 2000);
    expect(column(s, SOLD)).toEqual([null, 0, 2]);
    expect(column(s, ErrorCode.SoldOut)).toEqual([null, 0, 1]);
  });

  it('leaves a reconnect gap unknown and takes the next summary as a new baseline, not a spike', () => {
    const s = new SellThroughSeries();
    s.add(summary({ orders: 1 }), T0);
    s.add(summary({ orders: 2 }), T0 + 1000);
    s.interrupt(T0 + 1500);
    // 400 orders were made while the console was away.
    s.add(summary({ orders: 402, sold: 402 }), T0 + 5000);
    s.add(summary({ orders: 405, sold: 405 }), T0 + 6000);
    expect(column(s, SOLD)).toEqual([null, 1, null, null, null, null, 3]);
    expect(s.levels()[1]).toEqual([0, 0, null, null, null, 402, 405]);
    expect(Math.max(...column(s, SOLD).map((v) => v ?? 0))).toBe(3);
    expect(s.recentAttempts(60)).toEqual([{ outcome: SOLD, count: 4 }]);
  });

  it('keeps a rolling window and never goes back in time', () => {
    const s = new SellThroughSeries(300);
    s.add(summary({ orders: 0 }), T0);
    for (let i = 1; i <= 400; i++) s.add(summary({ orders: i }), T0 + i * 1000);
    const [seconds, sold] = s.attemptsPerSecond();
    expect(seconds).toHaveLength(300);
    expect(seconds[0]).toBe(T0 / 1000 + 101);
    expect(seconds.at(-1)).toBe(T0 / 1000 + 400);
    expect(sold.every((v) => v === 1)).toBe(true);
    // A late clock (a summary stamped before the last second) lands in the last second.
    s.add(summary({ orders: 402 }), T0 + 10_000);
    expect(s.attemptsPerSecond()[0]).toHaveLength(300);
    expect(s.attemptsPerSecond()[1].at(-1)).toBe(3);
    // A long silence is bounded by the window, not one point per second since.
    s.tick(T0 + 10_000_000);
    expect(s.levels()[0]).toHaveLength(300);
    expect(s.latest?.orders).toBe(402);
  });
});
