import { formatMinorUnits } from './money';

describe('formatMinorUnits', () => {
  it('formats minor units in the currency of the product', () => {
    expect(formatMinorUnits(5000, 'EUR', 'en-US')).toBe('€50.00');
    expect(formatMinorUnits(1999, 'USD', 'en-US')).toBe('$19.99');
  });

  it('knows zero-decimal currencies', () => {
    expect(formatMinorUnits(5000, 'JPY', 'en-US')).toBe('¥5,000');
  });

  it('falls back to a plain amount for an unknown currency code', () => {
    expect(formatMinorUnits(5000, 'not a code', 'en-US')).toBe('50.00 not a code');
  });
});
