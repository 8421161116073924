import { acceptRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('acceptRequestId', () => {
  it.each([
    'abc',
    'req-1',
    '9f0c2c8e-7d3b-4a55-9a61-3f1f0f6f2d11',
    'a'.repeat(128),
    'trace:1/span=2+x@y_z.0',
  ])('keeps the sane incoming id %s', (incoming) => {
    expect(acceptRequestId(incoming)).toBe(incoming);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'a'.repeat(129)],
    ['with a space', 'a b'],
    ['with a quote', 'a"b'],
    ['with a line break (log injection)', 'a\n{"level":"fatal"}'],
    ['with non-ASCII', 'café'],
    ['repeated header', ['a', 'b']],
  ])('replaces a %s id with a random UUID', (_, incoming) => {
    const id = acceptRequestId(incoming);
    expect(id).toMatch(UUID);
    expect(acceptRequestId(incoming)).not.toBe(id);
  });
});
