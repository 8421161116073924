import type { QueuePass, QueueTicket } from '@gtd/shared-contracts';
import { queueStatus } from '../../testing';
import { aheadMilestone, estimatedWaitMs, peopleAhead, queuePhase } from './queue-view';

const status = queueStatus;
const ticket = (position: number | null): QueueTicket => ({
  ticket: 't',
  productId: 1,
  position,
  preQueue: true,
});
const pass = (expiresAt: string): QueuePass => ({ pass: 'p', productId: 1, position: 3, expiresAt });
const NOW = Date.parse('2030-01-01T10:00:00.000Z');

describe('people ahead and the wait', () => {
  it('counts the positions between the cursor and the visitor', () => {
    expect(peopleAhead(57, status({ admittedThrough: 40 }))).toBe(16);
    expect(peopleAhead(41, status({ admittedThrough: 40 }))).toBe(0);
    expect(peopleAhead(30, status({ admittedThrough: 40 }))).toBe(0);
    expect(peopleAhead(null, status())).toBeNull();
    expect(peopleAhead(5, null)).toBeNull();
  });

  it('divides the people ahead, plus the visitor, by the admission rate', () => {
    expect(estimatedWaitMs(119, status({ admissionsPerMinute: 60 }))).toBe(120_000);
    expect(estimatedWaitMs(0, status({ admissionsPerMinute: 30 }))).toBe(2_000);
    expect(estimatedWaitMs(10, status({ admissionsPerMinute: 0 }))).toBeNull();
    expect(estimatedWaitMs(10, status({ state: 'paused', admissionsPerMinute: 60 }))).toBeNull();
    expect(estimatedWaitMs(10, status({ state: 'sold_out', admissionsPerMinute: 60 }))).toBeNull();
    expect(estimatedWaitMs(null, status())).toBeNull();
  });

  it('names only thresholds, so a line moving by a few says nothing new', () => {
    expect(aheadMilestone(37)).toBe(aheadMilestone(49));
    expect(aheadMilestone(37)).toBe('50 or fewer people are ahead of you.');
    expect(aheadMilestone(51)).toBe('100 or fewer people are ahead of you.');
    expect(aheadMilestone(1500)).toBe('More than 1,000 people are ahead of you.');
    expect(aheadMilestone(1)).toBe('One person is ahead of you.');
    expect(aheadMilestone(0)).toBe('You are next in line.');
  });
});

describe('queuePhase', () => {
  const base = { ticket: null, pass: null, passRefusedAsExpired: false, nowMs: NOW };

  it('checks first and steps aside for a drop without a queue', () => {
    expect(queuePhase({ ...base, status: undefined })).toBe('checking');
    expect(queuePhase({ ...base, status: null })).toBe('off');
  });

  it('follows a ticket from the pre-queue to the turn', () => {
    expect(queuePhase({ ...base, status: status({ state: 'pre_queue' }) })).toBe('join');
    expect(queuePhase({ ...base, status: status({ state: 'pre_queue' }), ticket: ticket(null) })).toBe(
      'drawing',
    );
    expect(queuePhase({ ...base, status: status({ admittedThrough: 2 }), ticket: ticket(3) })).toBe(
      'waiting',
    );
    expect(queuePhase({ ...base, status: status({ admittedThrough: 3 }), ticket: ticket(3) })).toBe(
      'admitted',
    );
    const held = pass('2030-01-01T10:05:00.000Z');
    expect(
      queuePhase({ ...base, status: status({ admittedThrough: 3 }), ticket: ticket(3), pass: held }),
    ).toBe('your-turn');
  });

  it('ends the turn at the pass expiry, or when the server says so first', () => {
    const held = pass('2030-01-01T10:05:00.000Z');
    const at = { ...base, status: status(), ticket: ticket(3), pass: held };
    expect(queuePhase({ ...at, nowMs: Date.parse(held.expiresAt) - 1 })).toBe('your-turn');
    expect(queuePhase({ ...at, nowMs: Date.parse(held.expiresAt) })).toBe('expired');
    expect(queuePhase({ ...at, passRefusedAsExpired: true })).toBe('expired');
  });

  it('tells everyone waiting that it sold out, and that admission paused', () => {
    expect(queuePhase({ ...base, status: status({ state: 'sold_out' }), ticket: ticket(90) })).toBe(
      'sold-out',
    );
    expect(queuePhase({ ...base, status: status({ state: 'sold_out' }), ticket: ticket(null) })).toBe(
      'sold-out',
    );
    expect(queuePhase({ ...base, status: status({ state: 'paused' }), ticket: ticket(90) })).toBe('paused');
    expect(queuePhase({ ...base, status: status({ state: 'closed' }) })).toBe('closed');
  });
});
