import { QueueSettingsRecord } from '@gtd/api-inventory';
import { admissionsDue, drawOrder, positionOf, QUEUE_DEFAULTS, queueStateOf } from './queue-rules';

/** A small deterministic generator (mulberry32), so the shuffle's statistics are reproducible. */
function seeded(seed: number): (max: number) => number {
  let state = seed >>> 0;
  return (max) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * max);
  };
}

/** Pearson's statistic of observed counts against one expected count per cell. */
const chiSquare = (observed: number[], expected: number) =>
  observed.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);

const settings = (extra: Partial<QueueSettingsRecord> = {}): QueueSettingsRecord => ({
  productId: 1,
  enabled: true,
  ...QUEUE_DEFAULTS,
  ...extra,
});
const progress = { preQueueJoined: 0, openJoined: 500, drawnCount: 0, admitted: 0, lastAdmittedAtMs: null };
const NOW = Date.parse('2030-01-01T00:00:00Z');

describe('drawOrder', () => {
  it('is a permutation', () => {
    const order = drawOrder(1000);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('draws each of the 24 orders of 4 equally often (χ², 23 degrees of freedom, p = 0.001)', () => {
    const random = seeded(20261202);
    const counts = new Map<string, number>();
    const runs = 48_000;
    for (let i = 0; i < runs; i++) {
      const key = drawOrder(4, random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    // The critical value of χ²(23) at p = 0.001 is 49.73; a biased shuffle (e.g. swapping with any
    // index instead of 0…i) lands in the hundreds.
    expect(chiSquare([...counts.values()], runs / 24)).toBeLessThan(49.73);
  });

  it('puts every ticket of 10,000 anywhere: join decile × position decile is independent (χ², 81 df)', () => {
    const order = drawOrder(10_000, seeded(7));
    const cells = new Array<number>(100).fill(0);
    order.forEach((position, i) => cells[Math.floor(i / 1000) * 10 + Math.floor(position / 1000)]++);
    // χ²(81) at p = 0.001 is 124.84.
    expect(chiSquare(cells, 100)).toBeLessThan(124.84);
  });
});

describe('positionOf', () => {
  it('has no place before the draw, the drawn place for the pre-queue and the end of the line after', () => {
    const order = Uint32Array.from([2, 0, 1]);
    expect(positionOf({ kind: 'pre', n: 1 }, null, null)).toBeNull();
    expect(positionOf({ kind: 'pre', n: 1 }, 3, order)).toBe(3);
    expect(positionOf({ kind: 'pre', n: 2 }, 3, order)).toBe(1);
    expect(positionOf({ kind: 'pre', n: 3 }, 3, null)).toBe(3);
    expect(positionOf({ kind: 'open', n: 1 }, 3, order)).toBe(4);
  });
});

describe('admissionsDue', () => {
  const due = (extra: Partial<Parameters<typeof admissionsDue>[0]>) =>
    admissionsDue({
      settings: settings(),
      progress,
      available: 100,
      undecided: 0,
      dropOpen: true,
      nowMs: NOW,
      ...extra,
    });

  it('keeps the undecided within the multiple of what is left (automatic)', () => {
    expect(due({})).toBe(120);
    expect(due({ undecided: 100 })).toBe(20);
    expect(due({ undecided: 130 })).toBe(0);
    expect(due({ available: 1 })).toBe(2);
  });

  it('admits nobody with nothing left, while paused, before the opening or with nobody waiting', () => {
    expect(due({ available: 0 })).toBe(0);
    expect(due({ settings: settings({ admissionsPaused: true }) })).toBe(0);
    expect(due({ dropOpen: false })).toBe(0);
    expect(due({ progress: { ...progress, admitted: 500 } })).toBe(0);
    expect(due({ progress: { ...progress, drawnCount: null } })).toBe(0);
    expect(due({ available: 10_000 })).toBe(500);
  });

  it('admits at the set rate, catching up at most two seconds after a stop', () => {
    const rate = settings({ admissionsPerMinute: 600 });
    expect(due({ settings: rate })).toBe(20);
    expect(due({ settings: rate, progress: { ...progress, lastAdmittedAtMs: NOW - 1000 } })).toBe(10);
    expect(due({ settings: rate, progress: { ...progress, lastAdmittedAtMs: NOW - 600_000 } })).toBe(20);
    const slow = settings({ admissionsPerMinute: 6 });
    expect(due({ settings: slow })).toBe(1);
    expect(due({ settings: slow, progress: { ...progress, lastAdmittedAtMs: NOW - 5_000 } })).toBe(0);
    expect(due({ settings: slow, progress: { ...progress, lastAdmittedAtMs: NOW - 10_000 } })).toBe(1);
  });
});

describe('queueStateOf', () => {
  it('follows the drop, and is closed before joining opens', () => {
    const s = settings({ preQueueOpensAtMs: NOW + 1 });
    expect(queueStateOf({ settings: s, dropState: 'upcoming', nowMs: NOW })).toBe('closed');
    expect(queueStateOf({ settings: s, dropState: 'upcoming', nowMs: NOW + 1 })).toBe('pre_queue');
    expect(queueStateOf({ settings: s, dropState: 'live', nowMs: NOW + 1 })).toBe('admitting');
    expect(queueStateOf({ settings: s, dropState: 'sold_out', nowMs: NOW + 1 })).toBe('sold_out');
    expect(
      queueStateOf({ settings: settings({ admissionsPaused: true }), dropState: 'live', nowMs: NOW }),
    ).toBe('paused');
    expect(queueStateOf({ settings: s, dropState: 'ended', nowMs: NOW + 1 })).toBe('closed');
  });
});
