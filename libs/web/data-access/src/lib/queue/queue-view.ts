import type { QueuePass, QueueStatus, QueueTicket } from '@gtd/shared-contracts';

/**
 * Where the visitor stands in the waiting room, in the order the page checks it:
 * - `checking`: the status has not answered yet; `off`: the drop has no waiting room;
 * - `your-turn`: a pass is held and has not run out (Buy now is offered); `expired`: it ran out;
 * - `sold-out`, `closed`: for everyone, whatever their place;
 * - `join`: no ticket yet; `drawing`: in the pre-queue, the place is drawn at the opening;
 * - `admitted`: admission reached the place, the pass is being fetched;
 * - `paused`: admission stopped for a while; `waiting`: in line.
 */
export type QueuePhase =
  | 'checking'
  | 'off'
  | 'your-turn'
  | 'expired'
  | 'sold-out'
  | 'closed'
  | 'join'
  | 'drawing'
  | 'admitted'
  | 'paused'
  | 'waiting';

/** Visitors in front of `position`: every position up to `admittedThrough` has been let in. */
export function peopleAhead(position: number | null, status: QueueStatus | null): number | null {
  if (position === null || status === null) {
    return null;
  }
  return Math.max(0, position - status.admittedThrough - 1);
}

/**
 * The wait for `ahead` people at the status's admission rate; `null` while nobody is let in (paused,
 * sold out, no admissions) — the last minute's rate would promise a wait nobody can keep.
 */
export function estimatedWaitMs(ahead: number | null, status: QueueStatus | null): number | null {
  if (
    ahead === null ||
    status === null ||
    status.state !== 'admitting' ||
    !(status.admissionsPerMinute > 0)
  ) {
    return null;
  }
  // The visitor's own admission is one more step of the cursor.
  return Math.ceil(((ahead + 1) / status.admissionsPerMinute) * 60_000);
}

export interface PhaseInput {
  /** `undefined`: no answer yet; `null`: no waiting room. */
  readonly status: QueueStatus | null | undefined;
  readonly ticket: QueueTicket | null;
  readonly pass: QueuePass | null;
  /** The server refused the pass as run out (its clock may be ahead of ours). */
  readonly passRefusedAsExpired: boolean;
  readonly nowMs: number;
}

export function queuePhase(input: PhaseInput): QueuePhase {
  const { status, ticket, pass, passRefusedAsExpired, nowMs } = input;
  if (status === undefined) {
    return 'checking';
  }
  if (status === null) {
    return 'off';
  }
  if (pass) {
    return passRefusedAsExpired || Date.parse(pass.expiresAt) <= nowMs ? 'expired' : 'your-turn';
  }
  if (passRefusedAsExpired) {
    return 'expired';
  }
  if (status.state === 'sold_out') {
    return 'sold-out';
  }
  if (status.state === 'closed') {
    return 'closed';
  }
  if (!ticket) {
    return 'join';
  }
  if (ticket.position === null) {
    return 'drawing';
  }
  if (ticket.position <= status.admittedThrough) {
    return 'admitted';
  }
  return status.state === 'paused' ? 'paused' : 'waiting';
}

/** People-ahead thresholds a screen reader is told about; between them it stays quiet. */
const AHEAD_MILESTONES = [1000, 500, 100, 50, 20, 10, 5, 1] as const;

/** The coarse version of `ahead` the polite announcement uses, so it changes only at thresholds. */
export function aheadMilestone(ahead: number): string {
  if (ahead === 0) {
    return 'You are next in line.';
  }
  if (ahead > AHEAD_MILESTONES[0]) {
    return `More than ${AHEAD_MILESTONES[0].toLocaleString('en')} people are ahead of you.`;
  }
  const below = [...AHEAD_MILESTONES].reverse().find((m) => ahead <= m) ?? AHEAD_MILESTONES[0];
  return below === 1 ? 'One person is ahead of you.' : `${below} or fewer people are ahead of you.`;
}
