import { chooseCoding, ContentCoding } from './content-coding';

const all: ReadonlySet<ContentCoding> = new Set(['br', 'gzip', 'identity']);
const gzipOnly: ReadonlySet<ContentCoding> = new Set(['gzip', 'identity']);
const plain: ReadonlySet<ContentCoding> = new Set(['identity']);

describe('chooseCoding', () => {
  it.each([
    // What browsers send: the client's order does not matter, the smaller coding wins a tie.
    ['gzip, deflate, br, zstd', all, 'br'],
    ['gzip, deflate, br, zstd', gzipOnly, 'gzip'],
    ['gzip, deflate, br, zstd', plain, 'identity'],
    ['gzip, deflate', all, 'gzip'],
    ['deflate, zstd', all, 'identity'],
    // Weights: the highest wins, q=0 refuses.
    ['br;q=0.5, gzip;q=0.8', all, 'gzip'],
    ['br;q=0, gzip', all, 'gzip'],
    ['BR ; Q=0 , GZIP', all, 'gzip'],
    ['br;q=0, gzip;q=0', all, 'identity'],
    ['gzip;q=0.1, identity;q=0.5', all, 'identity'],
    ['x-gzip', all, 'gzip'],
    // `*` weighs what is not named; identity is acceptable unless refused.
    ['*', all, 'br'],
    ['*;q=0.5, br;q=0', all, 'gzip'],
    ['br, identity;q=0', all, 'br'],
    ['gzip, br;q=0, identity;q=0', all, 'gzip'],
    ['gzip;q=0.001', all, 'gzip'],
    // Nothing acceptable is stored: identity rather than nothing.
    ['*;q=0', all, 'identity'],
    ['identity;q=0', all, 'identity'],
    ['identity;q=0', plain, 'identity'],
    // No header, or an empty one: no coding.
    [undefined, all, 'identity'],
    ['', all, 'identity'],
    // A weight that is no number is no preference.
    ['br;q=high, gzip', all, 'gzip'],
    ['br;q=2, gzip', all, 'gzip'],
  ] as const)('%p of %p → %s', (header, stored, expected) => {
    expect(chooseCoding(header, stored)).toBe(expected);
  });
});
