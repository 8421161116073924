import { QueuePass } from '@gtd/shared-contracts';
import { StatusSample } from './admission-run';

/**
 * The admission cursor's history, reconstructed from what visitors saw (the status answers of
 * every process, the passes), and held against the rules: one cursor for every process, only
 * forward, never faster than the rate.
 */

/** One move of the cursor: positions `through - size + 1 … through` admitted at `atMs`. */
export interface AdmissionStep {
  atMs: number;
  through: number;
  size: number;
}

/**
 * The cursor's history as the store recorded it, read back from the passes: a pass expires its
 * lifetime after its position's admission step, so positions admitted by one step share an expiry.
 * Fails when a position has no pass or an earlier position was admitted later.
 */
export function stepsFromPasses(
  passes: ReadonlyMap<number, QueuePass>,
  through: number,
  lifetimeMs: number,
): AdmissionStep[] {
  const steps: AdmissionStep[] = [];
  for (let position = 1; position <= through; position++) {
    const pass = passes.get(position);
    if (!pass) throw new Error(`position ${position} (of ${through} admitted) has no pass`);
    const atMs = Date.parse(pass.expiresAt) - lifetimeMs;
    const last = steps.at(-1);
    if (last && atMs === last.atMs) {
      last.through = position;
      last.size++;
    } else if (!last || atMs > last.atMs) {
      steps.push({ atMs, through: position, size: 1 });
    } else {
      throw new Error(
        `position ${position} admitted at ${atMs}, before position ${position - 1} (${last.atMs})`,
      );
    }
  }
  return steps;
}

/**
 * The steps that admitted more than the rate rule allows (libs/api/queue queue-rules.ts
 * `admissionsDue`): at most `perMinute` a minute of the time since the previous step, that time
 * capped at `catchUpMs` (and a first step counts as `catchUpMs` since nothing).
 */
export function rateBreaches(
  steps: readonly AdmissionStep[],
  perMinute: number,
  catchUpMs: number,
): string[] {
  const breaches: string[] = [];
  let sinceMs: number | null = null;
  for (const step of steps) {
    const elapsed = sinceMs === null ? catchUpMs : Math.min(Math.max(0, step.atMs - sinceMs), catchUpMs);
    const allowed = Math.floor((perMinute * elapsed) / 60_000);
    if (step.size > allowed) {
      breaches.push(
        `${step.size} admitted at ${step.atMs} (through ${step.through}), ${elapsed} ms after the last: at most ${allowed}`,
      );
    }
    sinceMs = step.atMs;
  }
  return breaches;
}

/**
 * Where one process's successive answers went back. Only for a single process: behind one port,
 * each cluster worker reuses its own answer for a moment, so a later answer may be an older one.
 */
export function regressions(samples: readonly StatusSample[], servers: readonly number[]): string[] {
  const found: string[] = [];
  const last = new Map<number, StatusSample>();
  for (const sample of samples.filter((s) => servers.includes(s.server))) {
    const before = last.get(sample.server);
    if (before && sample.admittedThrough < before.admittedThrough) {
      found.push(`process ${sample.server}: ${before.admittedThrough} then ${sample.admittedThrough}`);
    }
    last.set(sample.server, sample);
  }
  return found;
}

/**
 * Answers, from any process, that show less than an answer computed more than `readLatencyMs`
 * earlier showed: one shared cursor never goes back. (`asOf` is taken before the store is read, so
 * answers computed closer together than a read's latency may see a step in either order.)
 */
export function timeInversions(samples: readonly StatusSample[], readLatencyMs: number): string[] {
  const byTime = [...samples].sort((a, b) => a.asOfMs - b.asOfMs);
  const found: string[] = [];
  let highest: StatusSample | undefined;
  let settled = 0;
  for (const sample of byTime) {
    // `highest`: the largest cursor among the answers computed more than readLatencyMs before this one.
    while (settled < byTime.length && byTime[settled].asOfMs < sample.asOfMs - readLatencyMs) {
      if (!highest || byTime[settled].admittedThrough > highest.admittedThrough) highest = byTime[settled];
      settled++;
    }
    if (highest && sample.admittedThrough < highest.admittedThrough) {
      found.push(
        `${sample.admittedThrough} at process ${sample.server} (${sample.asOfMs}) after ` +
          `${highest.admittedThrough} at process ${highest.server} (${highest.asOfMs})`,
      );
    }
  }
  return found;
}

/** The index of a cursor value among the steps (0: nothing admitted); undefined: no step ended there. */
function stepIndex(steps: readonly AdmissionStep[], through: number): number | undefined {
  if (through === 0) return 0;
  const index = steps.findIndex((s) => s.through === through);
  return index < 0 ? undefined : index + 1;
}

/** What the rate rule and the reading allow. */
export interface CursorRule {
  perMinute: number;
  catchUpMs: number;
  passLifetimeMs: number;
  tickMs: number;
  /** See `timeInversions`. */
  readLatencyMs: number;
  /** The servers that are one process each (not a cluster's port). */
  singleProcesses: readonly number[];
}

/** Everything found wrong with the cursor up to `through`; empty lists when nothing is. */
export interface CursorVerdict {
  steps: AdmissionStep[];
  /** Values a process showed that the shared cursor never took (a cursor of its own). */
  offCursor: string[];
  /** Answers read together, further apart than the steps between their computations allow. */
  apart: string[];
  /** Rounds in which both servers answered. */
  pairs: number;
  regressions: string[];
  inversions: string[];
  breaches: string[];
}

/**
 * Judges the cursor up to `through` — a value some status showed, hence the end of a step, with
 * every position up to it holding a pass — from the status samples and the passes.
 */
export function judgeCursor(
  samples: readonly StatusSample[],
  passes: ReadonlyMap<number, QueuePass>,
  through: number,
  rule: CursorRule,
): CursorVerdict {
  const steps = stepsFromPasses(passes, through, rule.passLifetimeMs);
  const seen = samples.filter((s) => s.admittedThrough <= through);
  const offCursor = seen.filter((s) => stepIndex(steps, s.admittedThrough) === undefined);
  const rounds = new Map<number, StatusSample[]>();
  for (const s of seen) rounds.set(s.round, [...(rounds.get(s.round) ?? []), s]);
  const pairs = [...rounds.values()].filter((round) => round.length === 2);
  const apart: string[] = [];
  for (const [a, b] of pairs) {
    // One step between answers computed within a beat of each other, one more for every further beat.
    const allowed = 1 + Math.floor(Math.abs(a.asOfMs - b.asOfMs) / rule.tickMs);
    const gap = Math.abs(
      (stepIndex(steps, a.admittedThrough) ?? 0) - (stepIndex(steps, b.admittedThrough) ?? 0),
    );
    if (gap > allowed) apart.push(`${a.admittedThrough} vs ${b.admittedThrough}: ${gap} steps apart`);
  }
  return {
    steps,
    offCursor: offCursor.map((s) => `${s.admittedThrough} at server ${s.server}`),
    apart,
    pairs: pairs.length,
    regressions: regressions(seen, rule.singleProcesses),
    inversions: timeInversions(seen, rule.readLatencyMs),
    breaches: rateBreaches(steps, rule.perMinute, rule.catchUpMs),
  };
}
