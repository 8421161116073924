import { previewSentence, readWholeNumber, restockPreview } from './restock';

describe('restockPreview', () => {
  const figures = { stock: 100, available: 40 };

  it('adds to stock and available alike', () => {
    expect(previewSentence(restockPreview(figures, { mode: 'add', quantity: 10 }))).toBe(
      'Available 40 → 50, stock 100 → 110',
    );
  });

  it('sets available, and the stock to what was sold plus it', () => {
    expect(restockPreview(figures, { mode: 'set', quantity: 25 })).toEqual({
      availableBefore: 40,
      availableAfter: 25,
      stockBefore: 100,
      stockAfter: 85,
    });
  });
});

describe('readWholeNumber', () => {
  it('takes whole numbers from 0 and refuses the rest', () => {
    expect(readWholeNumber(' 12 ')).toBe(12);
    expect(readWholeNumber('0')).toBe(0);
    for (const text of ['', '-1', '1.5', '1e3', 'ten', '99999999999999999999']) {
      expect(readWholeNumber(text)).toBeNull();
    }
  });
});
