import { formatInstant, formatTimeOfDay, showsSeconds, TO_THE_SECOND_WITHIN_MS } from './instant';

describe('formatInstant', () => {
  const opening = '2026-12-02T14:02:30Z';
  const openingMs = Date.parse(opening);

  it('shows the minute when the instant is an hour or more away, or no clock is given', () => {
    expect(formatInstant(opening, 'en-US')).not.toMatch(/:30/);
    expect(formatInstant(opening, 'en-US', openingMs - TO_THE_SECOND_WITHIN_MS)).not.toMatch(/:30/);
    expect(formatInstant(opening, 'en-US', openingMs - 2 * TO_THE_SECOND_WITHIN_MS)).not.toMatch(/:30/);
  });

  it('shows the second when the instant is less than an hour ahead', () => {
    expect(formatInstant(opening, 'en-US', openingMs - TO_THE_SECOND_WITHIN_MS + 1)).toMatch(/\d:02:30/);
    expect(formatInstant(opening, 'en-US', openingMs - 1000)).toMatch(/\d:02:30/);
  });

  it('shows a past instant to the minute', () => {
    expect(formatInstant(opening, 'en-US', openingMs + 1000)).not.toMatch(/:30/);
  });

  it('shows an unreadable value as given', () => {
    expect(formatInstant('soon', 'en-US', Date.now())).toBe('soon');
  });
});

describe('showsSeconds', () => {
  it('holds only strictly inside the hour before the instant', () => {
    const at = 10 * TO_THE_SECOND_WITHIN_MS;
    expect(showsSeconds(at, null)).toBe(false);
    expect(showsSeconds(at, at)).toBe(false);
    expect(showsSeconds(at, at - 1)).toBe(true);
    expect(showsSeconds(at, at - TO_THE_SECOND_WITHIN_MS + 1)).toBe(true);
    expect(showsSeconds(at, at - TO_THE_SECOND_WITHIN_MS)).toBe(false);
  });
});

describe('formatTimeOfDay', () => {
  it('shows hours, minutes and seconds', () => {
    expect(formatTimeOfDay(Date.parse('2026-12-02T14:02:10'), 'en-GB')).toBe('14:02:10');
  });
});
