import type { DropSchedule, DropState } from '@gtd/shared-contracts';

/** Epoch milliseconds of an ISO 8601 instant, `null` when absent or unreadable. */
export function parseInstant(iso: string | null | undefined): number | null {
  if (!iso) {
    return null;
  }
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}

/** What the server last said about a drop, and when that question was asked (client clock). */
export interface ServerDropView {
  readonly state: DropState;
  readonly available: number;
  readonly askedAtMs: number;
}

/**
 * The drop's state right now: the server's word, moved on by the clock where the server could
 * not yet know. An "upcoming" answer to a question asked before `startsAt` becomes live (or sold
 * out) once the clock passes `startsAt`, so the page opens on the second without waiting for the
 * next poll; likewise a live drop ends at `endsAt`. An answer to a question asked after those
 * instants always wins: the server's clock decides, and a rescheduled drop stays upcoming.
 */
export function effectiveDropState(
  server: ServerDropView,
  schedule: Pick<DropSchedule, 'startsAt' | 'endsAt'>,
  nowMs: number,
): DropState {
  const startsAtMs = parseInstant(schedule.startsAt);
  const endsAtMs = parseInstant(schedule.endsAt);
  let state = server.state;
  if (state === 'upcoming' && startsAtMs !== null && server.askedAtMs < startsAtMs && nowMs >= startsAtMs) {
    state = server.available === 0 ? 'sold_out' : 'live';
  }
  if (
    (state === 'live' || state === 'sold_out') &&
    endsAtMs !== null &&
    server.askedAtMs < endsAtMs &&
    nowMs >= endsAtMs
  ) {
    state = 'ended';
  }
  return state;
}

/**
 * The next instant at which {@link effectiveDropState} may change by the clock alone, or `null`.
 * Before the opening the page ticks every second (the countdown); afterwards only `endsAt` matters.
 */
export function nextScheduleBoundary(
  schedule: Pick<DropSchedule, 'startsAt' | 'endsAt'>,
  nowMs: number,
): { atMs: number; stepMs: number } | null {
  const startsAtMs = parseInstant(schedule.startsAt);
  if (startsAtMs !== null && nowMs < startsAtMs) {
    return { atMs: startsAtMs, stepMs: 1000 };
  }
  const endsAtMs = parseInstant(schedule.endsAt);
  if (endsAtMs !== null && nowMs < endsAtMs) {
    return { atMs: endsAtMs, stepMs: 60_000 };
  }
  return null;
}
