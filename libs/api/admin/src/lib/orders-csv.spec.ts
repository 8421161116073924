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
      'orderId,productId,quantity,unitPrice,currency,total,buyerId,createdAt,status,cancelledAt\r\n',
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
        status: 'sold',
        cancelledAt: null,
      }),
    ).toBe('0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a10,1,2,5000,EUR,10000,,2026-11-25T20:00:00.120Z,sold,\r\n');
    expect(
      ordersCsvRow({
        orderId: '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a11',
        productId: 1,
        quantity: 1,
        unitPrice: 5000,
        currency: 'EUR',
        total: 5000,
        buyerId: '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001',
        createdAt: '2026-11-25T20:00:00.120Z',
        status: 'cancelled',
        cancelledAt: '2026-11-25T21:30:00.000Z',
      }),
    ).toBe(
      '0b9f5a52-7c1e-4d2a-9a57-3c1b8f6f2a11,1,1,5000,EUR,5000,7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001,' +
        '2026-11-25T20:00:00.120Z,cancelled,2026-11-25T21:30:00.000Z\r\n',
    );
  });
});
