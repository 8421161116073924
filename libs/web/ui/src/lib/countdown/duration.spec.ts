import { splitDuration } from './duration';

describe('splitDuration', () => {
  it.each([
    [0, { days: 0, hours: 0, minutes: 0, seconds: 0 }],
    [1, { days: 0, hours: 0, minutes: 0, seconds: 1 }],
    [59_001, { days: 0, hours: 0, minutes: 1, seconds: 0 }],
    [3_600_000, { days: 0, hours: 1, minutes: 0, seconds: 0 }],
    [((2 * 24 + 3) * 3600 + 4 * 60 + 5) * 1000, { days: 2, hours: 3, minutes: 4, seconds: 5 }],
    [-5000, { days: 0, hours: 0, minutes: 0, seconds: 0 }],
  ])('%p ms → %p (seconds round up)', (ms, parts) => {
    expect(splitDuration(ms)).toEqual(parts);
  });
});
