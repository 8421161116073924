import { ifNoneMatchMatches } from './conditional-answer';

describe('ifNoneMatchMatches', () => {
  const etag = '"1-42-live-1000"';

  it.each([etag, `W/${etag}`, `"a", ${etag}`, `"a",${etag} , "b"`, '*'])('matches %s', (header) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(true);
  });

  it.each([undefined, '', '"other"', etag.slice(1, -1), `W/"other", "x"`])('does not match %s', (header) => {
    expect(ifNoneMatchMatches(header, etag)).toBe(false);
  });
});
