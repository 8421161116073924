import {
  canonicalEmail,
  emailRefusal,
  foldEmail,
  INVISIBLE_LOCAL_PART_MESSAGE,
  isSingleScript,
  MIXED_SCRIPT_MESSAGE,
} from './email-canonical';

describe('canonicalEmail (default policy: subaddress stripped, Gmail dots ignored)', () => {
  it.each([
    ['ana@gmail.com', 'ana@gmail.com'],
    ['ANA@GMAIL.COM', 'ana@gmail.com'],
    ['ana+1@gmail.com', 'ana@gmail.com'],
    ['ana+drop+2@gmail.com', 'ana@gmail.com'],
    ['a.na@gmail.com', 'ana@gmail.com'],
    ['a.n.a+x@googlemail.com', 'ana@gmail.com'],
    ['ana@googlemail.com', 'ana@gmail.com'],
    ['\uff41na@gmail.com', 'ana@gmail.com'], // full-width ａ
    ['\uff21\uff2e\uff21@\uff47mail.com', 'ana@gmail.com'], // full-width capitals, and in the domain
    ['an\u200ba@gmail.com', 'ana@gmail.com'], // zero-width space
    ['an\u00ada@gmail.com', 'ana@gmail.com'], // soft hyphen
    ['\u2060a\u200dn\ufeffa\u200c@gmail.com', 'ana@gmail.com'], // word joiner, ZWJ, BOM, ZWNJ
    ['ana\ufe0f@gmail.com', 'ana@gmail.com'], // variation selector
  ])('%j → %j', (spelling, key) => {
    expect(canonicalEmail(spelling)).toBe(key);
  });

  it('keeps dots on other domains, where they are part of the name', () => {
    expect(canonicalEmail('Ann.Buyer+news@Example.COM')).toBe('ann.buyer@example.com');
  });

  it('keeps a leading + (the whole name, not a tag) and never empties a local part', () => {
    expect(canonicalEmail('+tag@example.com')).toBe('+tag@example.com');
  });

  it('leaves ß and ς as they are (IDNA2008 keeps them distinct from ss and σ)', () => {
    expect(canonicalEmail('STRAẞE@example.com')).toBe('straße@example.com');
    expect(canonicalEmail('strasse@example.com')).toBe('strasse@example.com');
  });

  it('does not make a Cyrillic а Latin: the look-alike is refused by emailRefusal instead', () => {
    expect(canonicalEmail('\u0430na@gmail.com')).not.toBe('ana@gmail.com');
  });

  it('is idempotent on every spelling above', () => {
    for (const spelling of [
      'a.N.a+1@googlemail.com',
      '\uff41n\u00ada@gmail.com',
      'STRAẞE@x.org',
      'İstanbul@x.org',
    ]) {
      const key = canonicalEmail(spelling);
      expect(canonicalEmail(key)).toBe(key);
      expect(foldEmail(foldEmail(spelling))).toBe(foldEmail(spelling));
    }
  });

  it('follows the policy settings', () => {
    const keepAll = { subaddress: 'keep', dots: 'keep' } as const;
    expect(canonicalEmail('A.na+1@googlemail.com', keepAll)).toBe('a.na+1@googlemail.com');
    expect(canonicalEmail('a.na+1@gmail.com', { subaddress: 'keep', dots: 'gmail' })).toBe('ana+1@gmail.com');
    expect(canonicalEmail('a.na+1@example.com', { subaddress: 'strip', dots: 'all' })).toBe(
      'ana@example.com',
    );
    expect(canonicalEmail('a.na@example.com', { subaddress: 'strip', dots: 'gmail' })).toBe(
      'a.na@example.com',
    );
  });
});

describe('emailRefusal', () => {
  it.each([
    ['\u0430na@gmail.com', 'Cyrillic а among Latin letters'],
    ['p\u0430ypal@example.com', 'one Cyrillic letter'],
    ['\u03bfmega-o@example.com', 'Greek ο among Latin letters'],
    ['\u0430n\u200b\u0430@gmail.com', 'Cyrillic hidden behind a zero-width space'],
  ])('refuses %j (%s) as a mix of scripts', (email) => {
    expect(emailRefusal(email)).toBe(MIXED_SCRIPT_MESSAGE);
  });

  it('refuses a local part of invisible characters only', () => {
    expect(emailRefusal('\u200b\u00ad@example.com')).toBe(INVISIBLE_LOCAL_PART_MESSAGE);
  });

  it.each([
    'ana@gmail.com',
    'ana.2024_x-y+z@example.com',
    '\uff41na@gmail.com',
    'анна@example.com', // all Cyrillic: one script
    'γιάννης@example.gr',
    '田中さん@example.jp', // Han with Hiragana: Japanese
    '김민준@example.kr',
    'δ1-δ2@example.com',
  ])('accepts %j', (email) => {
    expect(emailRefusal(email)).toBeUndefined();
  });

  it('lets digits, punctuation and combining marks fit any script', () => {
    expect(isSingleScript('ана-2024')).toBe(true);
    expect(isSingleScript('e\u0301cole')).toBe(true);
    expect(isSingleScript('latin\u0430')).toBe(false);
  });
});
