import { DropSummary } from '@gtd/shared-contracts';
import {
  announceSellThrough,
  FIGURES_EVERY_MS,
  QUIET,
  SellThroughAnnouncement,
  SellThroughReading,
  StreamStatus,
} from './sell-through-announcer';

const summary = (sold: number, over: Partial<DropSummary> = {}): DropSummary => ({
  productId: 1,
  state: 'live',
  stock: 200,
  sold,
  available: 200 - sold,
  orders: sold,
  buyers: 0,
  rejects: {},
  ...over,
});

/** The region's text after each reading, in order, with the time it was said (what a screen reader is handed). */
function spoken(readings: SellThroughReading[]): [number, string][] {
  let state: SellThroughAnnouncement = QUIET;
  const said: [number, string][] = [];
  for (const reading of readings) {
    const next = announceSellThrough(state, reading);
    if (next.text !== state.text && next.text !== '') said.push([reading.nowMs, next.text]);
    state = next;
  }
  return said;
}

const at = (nowMs: number, status: StreamStatus, s?: DropSummary): SellThroughReading => ({
  status,
  summary: s,
  nowMs,
});

/** A rush as the component sees it: a summary and a tick every second. */
function rush(fromS: number, toS: number, soldAt: (s: number) => number): SellThroughReading[] {
  const readings: SellThroughReading[] = [];
  for (let s = fromS; s <= toS; s++) readings.push(at(s * 1000, 'live', summary(soldAt(s))));
  return readings;
}

describe('announceSellThrough', () => {
  it('says nothing while connecting nor for the first figures, which are on screen', () => {
    expect(spoken([at(0, 'connecting'), at(500, 'live', summary(3)), at(1000, 'live', summary(3))])).toEqual(
      [],
    );
  });

  it('speaks the figures at most every 10 s during a rush, not every second', () => {
    const said = spoken([at(0, 'connecting'), ...rush(0, 35, (s) => 5 * s)]);
    expect(said).toEqual([
      [10_000, '50 sold, 150 available, stock 200.'],
      [20_000, '100 sold, 100 available, stock 200.'],
      [30_000, '150 sold, 50 available, stock 200.'],
    ]);
    for (let i = 1; i < said.length; i++)
      expect(said[i][0] - said[i - 1][0]).toBeGreaterThanOrEqual(FIGURES_EVERY_MS);
  });

  it('stays quiet while the figures stand still', () => {
    expect(spoken(rush(0, 60, () => 7))).toEqual([]);
  });

  it('says selling out at once, with the figures, even within 10 s of the last words', () => {
    const readings = [
      ...rush(0, 10, (s) => 10 * s),
      at(12_000, 'live', summary(190)),
      at(13_000, 'live', summary(200, { state: 'sold_out' })),
    ];
    expect(spoken(readings)).toEqual([
      [10_000, '100 sold, 100 available, stock 200.'],
      [13_000, 'Sold out. 200 sold, 0 available, stock 200.'],
    ]);
  });

  it('says a pause and a resume at once', () => {
    const readings = [
      at(0, 'live', summary(10)),
      at(1000, 'live', summary(10, { state: 'paused' })),
      at(2000, 'live', summary(10, { state: 'live' })),
    ];
    expect(spoken(readings).map(([, text]) => text)).toEqual([
      'Paused. 10 sold, 190 available, stock 200.',
      'On sale. 10 sold, 190 available, stock 200.',
    ]);
  });

  it('says a lost connection once, and its return with the figures then', () => {
    const readings = [
      at(0, 'live', summary(10)),
      at(1000, 'reconnecting', summary(10)),
      at(2000, 'reconnecting', summary(10)),
      at(3000, 'reconnecting', summary(10)),
      at(4000, 'live', summary(40)),
      at(5000, 'live', summary(41)),
    ];
    expect(spoken(readings)).toEqual([
      [1000, 'Connection lost. Reconnecting…'],
      [4000, 'Live again. 40 sold, 160 available, stock 200.'],
    ]);
  });

  it('says a refused token, an unknown drop and another refusal at once', () => {
    expect(spoken([at(0, 'connecting'), at(10, 'unauthorized')])).toEqual([
      [10, 'The operator token was refused.'],
    ]);
    expect(spoken([at(0, 'connecting'), at(10, 'not-found')])).toEqual([[10, 'This drop does not exist.']]);
    expect(spoken([at(0, 'live', summary(1)), at(10, 'refused', summary(1))])).toEqual([
      [10, 'The live figures were refused.'],
    ]);
  });
});
