import { parseProductId } from './drop-product';

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
