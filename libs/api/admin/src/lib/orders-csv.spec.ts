import { csvField, ordersCsvHeader, ordersCsvRow } from './orders-csv';

describe('orders CSV', () => {
  it('writes plain fields as they are and empties for null', () => {
    expect([csvField('EUR'), csvField(5000), csvField(null), csvField('2026-11-25T20:00:00.120Z')]).toEqual([
      'EUR',
      '5000',
      '',
      '2026-11-25T20:00:00.120Z',
    ]);
  });

  it('quotes commas, quotes and line breaks (RFC 4180), and defuses spreadsheet formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
  });

  it('has one row per order in the header’s column order', () => {
    expect(ordersCsvHeader()).toBe(
      'orderId,productId,quantity,unitPrice,currency,total,buyerId,createdAt\r\n',
    );
    expect(
      ordersCsvRow({
        orderId: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10',
        productId: 1,
        quantity: 2,
        unitPrice: 5000,
        currency: 'EUR',
        total: 10000,
        buyerId: null,
        createdAt: '2026-11-25T20:00:00.120Z',
      }),
    ).toBe('0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10,1,2,5000,EUR,10000,,2026-11-25T20:00:00.120Z\r\n');
  });
});
