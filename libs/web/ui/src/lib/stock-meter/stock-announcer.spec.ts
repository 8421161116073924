import { announceStock, SILENT, StockAnnouncement, StockSignal, stockBand } from './stock-announcer';

/** The region's text after each reading, in order (what a screen reader would be handed). */
function spoken(readings: StockSignal[]): string[] {
  let state: StockAnnouncement = SILENT;
  const said: string[] = [];
  for (const reading of readings) {
    const next = announceStock(state, reading);
    if (next.text !== state.text && next.text !== '') said.push(next.text);
    state = next;
  }
  return said;
}

const live = (available: number): StockSignal => ({ status: 'live', available });

describe('stockBand', () => {
  it('puts a count under the lowest threshold it has reached', () => {
    expect(stockBand(100)).toBeNull();
    expect(stockBand(11)).toBeNull();
    expect(stockBand(10)).toBe(10);
    expect(stockBand(2)).toBe(10);
    expect(stockBand(1)).toBe(1);
    expect(stockBand(0)).toBe(0);
  });
});

describe('announceStock', () => {
  it('says nothing for the first count or for polls that cross no threshold', () => {
    expect(spoken([{ status: 'loading' }, live(50), live(40), live(40), live(11)])).toEqual([]);
    expect(spoken([live(7), live(6), live(5), live(2)])).toEqual([]);
  });

  it('says 10 left and 1 left once each as the count falls, whatever it jumped to', () => {
    expect(spoken([live(50), live(12), live(8), live(7), live(3), live(1), live(1)])).toEqual([
      'Only 8 left.',
      'Only 1 left.',
    ]);
    expect(spoken([live(50), live(1)])).toEqual(['Only 1 left.']);
  });

  it('leaves sold out to the drop status and re-arms a threshold when the count rises again', () => {
    expect(spoken([live(12), live(0)])).toEqual([]);
    expect(spoken([live(12), live(9), live(20), live(10)])).toEqual(['Only 9 left.', 'Only 10 left.']);
    expect(spoken([live(12), live(9), live(20), live(9)])).toEqual(['Only 9 left.', 'Only 9 left.']);
  });

  it('says a lost connection once, and its return with the count then', () => {
    const down: StockSignal = { status: 'reconnecting' };
    expect(spoken([live(40), down, down, down, live(38), live(37)])).toEqual([
      'Connection lost. Reconnecting to the store…',
      'Reconnected. 38 left.',
    ]);
    expect(spoken([live(4), down, live(0)])).toEqual([
      'Connection lost. Reconnecting to the store…',
      'Reconnected. Sold out.',
    ]);
  });
});
