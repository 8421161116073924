import { DropState } from '@gtd/shared-contracts';

/** The most the server ever stretches the poll interval: polls stay at least 1 per 10 × base. */
export const MAX_POLL_FACTOR = 10;

/** What one sampling period (about a second) of the event loop looked like. */
export interface LoadSample {
  /** Share of the period the event loop was busy, 0…1 (`performance.eventLoopUtilization`). */
  utilization: number;
  /** 99th percentile of how late the event loop ran a timer, in ms (`monitorEventLoopDelay`). */
  delayP99Ms: number;
}

/** Below this much busy time the process has room: the crowd polls at the base interval. */
const CALM_UTILIZATION = 0.7;
/** At this much busy time the process is saturated: the crowd gets the longest interval. */
const SATURATED_UTILIZATION = 0.95;
/** Timers this late mean requests wait in line, whatever the utilisation says (e.g. long GC or sync work). */
const CALM_DELAY_MS = 100;
const SATURATED_DELAY_MS = 500;

const ramp = (value: number, calm: number, saturated: number) =>
  1 + (MAX_POLL_FACTOR - 1) * Math.min(1, Math.max(0, (value - calm) / (saturated - calm)));

/**
 * How much to stretch the poll interval for one sample: 1 while the process has room, rising
 * linearly to MAX_POLL_FACTOR as it saturates. Utilisation is the main signal: it rises with the
 * work actually done and stays low on a host that is merely busy with something else; a late event
 * loop is the second one.
 */
export function loadFactorOf(sample: LoadSample): number {
  return Math.max(
    ramp(sample.utilization, CALM_UTILIZATION, SATURATED_UTILIZATION),
    ramp(sample.delayP99Ms, CALM_DELAY_MS, SATURATED_DELAY_MS),
  );
}

/**
 * The steps the factor moves in. Every change of `pollAfterMs` changes the body, so its ETag, and
 * turns every client's next conditional poll into a full answer: a few coarse steps keep those rare.
 */
const STEPS = [1, 1.5, 2, 3, 4, 6, 8, MAX_POLL_FACTOR] as const;

/**
 * The next factor from the previous one and a new sample's: up at once when load arrives (the
 * crowd must back off now), down by at most one step per sample, so a burst that stops for a
 * second does not bring the whole crowd back at full rate.
 */
export function nextLoadFactor(previous: number, sampled: number): number {
  const target = STEPS.filter((step) => step <= sampled).at(-1) ?? 1;
  if (target >= previous) return target;
  const lower = STEPS.filter((step) => step < previous).at(-1) ?? 1;
  return Math.max(target, lower);
}

/**
 * How much longer than under load a drop in each state may be polled: nothing is for sale while
 * upcoming, paused, sold out or ended, and only an operator (resume, restock, new end) or the
 * clock (opening) changes that. A paused drop may resume any moment, so it stays close to live.
 */
const STATE_FACTOR: Record<DropState, number> = {
  live: 1,
  paused: 2,
  upcoming: 5,
  sold_out: 5,
  ended: MAX_POLL_FACTOR,
};

/**
 * `pollAfterMs` of an answer: the base interval stretched by load and by the drop's state, never
 * beyond MAX_POLL_FACTOR × base, and for an upcoming drop never beyond its opening, so nobody's
 * next poll comes after the sale started.
 */
export function pollAfterMs(
  baseMs: number,
  loadFactor: number,
  state: DropState,
  msUntilStart: number | null,
): number {
  const stretched = Math.round(baseMs * Math.min(MAX_POLL_FACTOR, loadFactor * STATE_FACTOR[state]));
  if (state === 'upcoming' && msUntilStart !== null)
    return Math.max(1, Math.min(stretched, Math.ceil(msUntilStart)));
  return stretched;
}
