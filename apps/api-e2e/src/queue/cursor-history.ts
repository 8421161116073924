import { QueuePass } from '@gtd/shared-contracts';
import { StatusSample } from './admission-run';

/**
 * The admission cursor's history, reconstructed from what visitors saw (the status answers of
 * every server, the passes), and held against the rules: one cursor for every process, only
 * forward, never faster than the rate, shown by every server as it stands.
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
      found.push(`server ${sample.server}: ${before.admittedThrough} then ${sample.admittedThrough}`);
    }
    last.set(sample.server, sample);
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
  /** How far from its `asOf` an answer's cursor may be (see `judgeCursor`). */
  answerSkewMs: number;
  /** The servers that are one process each (not a cluster's port). */
  singleProcesses: readonly number[];
}

/** Everything found wrong with the cursor up to `through` (empty lists when nothing is), and its figures. */
export interface CursorVerdict {
  steps: AdmissionStep[];
  /** Values a server showed that the shared cursor never took (a cursor of its own). */
  offCursor: string[];
  /** Answers whose cursor was not the shared one as it stood within `answerSkewMs` of their `asOf`. */
  skewed: string[];
  regressions: string[];
  breaches: string[];
  /** Rounds in which both servers answered, and the most steps apart two such answers were. */
  pairs: number;
  pairStepsApart: number;
  /** The furthest an answer showed a step taken after its `asOf`, or missed one taken before it. */
  maxAheadMs: number;
  maxBehindMs: number;
}

/**
 * Judges the cursor up to `through` — a value some status showed, hence the end of a step, with
 * every position up to it holding a pass — from the status samples and the passes. Each answer
 * must show the shared cursor as it stood about its `asOf`: `asOf` is taken before the store is
 * read (a step taken just after it may show), and a step is stamped before the leader writes it (a
 * step stamped just before it may not show yet). Both windows are a read's or a beat's latency;
 * an answer from a process with a cursor of its own, or one that stopped following the store, is
 * off by far more than `answerSkewMs`.
 */
export function judgeCursor(
  samples: readonly StatusSample[],
  passes: ReadonlyMap<number, QueuePass>,
  through: number,
  rule: CursorRule,
): CursorVerdict {
  const steps = stepsFromPasses(passes, through, rule.passLifetimeMs);
  const seen = samples.filter((s) => s.admittedThrough <= through);
  const offCursor: string[] = [];
  const skewed: string[] = [];
  let maxAheadMs = 0;
  let maxBehindMs = 0;
  for (const s of seen) {
    const index = stepIndex(steps, s.admittedThrough);
    if (index === undefined) {
      offCursor.push(`${s.admittedThrough} at server ${s.server}`);
      continue;
    }
    const takenAtMs = index === 0 ? -Infinity : steps[index - 1].atMs;
    const supersededAtMs = index === steps.length ? Infinity : steps[index].atMs;
    const aheadMs = Math.max(0, takenAtMs - s.asOfMs);
    const behindMs = Math.max(0, s.asOfMs - supersededAtMs);
    maxAheadMs = Math.max(maxAheadMs, aheadMs);
    maxBehindMs = Math.max(maxBehindMs, behindMs);
    if (aheadMs > rule.answerSkewMs || behindMs > rule.answerSkewMs) {
      skewed.push(
        `${s.admittedThrough} at server ${s.server} as of ${s.asOfMs}: ` +
          `the cursor stood there from ${takenAtMs} to ${supersededAtMs}`,
      );
    }
  }
  const rounds = new Map<number, StatusSample[]>();
  for (const s of seen) rounds.set(s.round, [...(rounds.get(s.round) ?? []), s]);
  const pairs = [...rounds.values()].filter((round) => round.length === 2);
  const apart = pairs.map(([a, b]) =>
    Math.abs((stepIndex(steps, a.admittedThrough) ?? 0) - (stepIndex(steps, b.admittedThrough) ?? 0)),
  );
  return {
    steps,
    offCursor,
    skewed,
    regressions: regressions(seen, rule.singleProcesses),
    breaches: rateBreaches(steps, rule.perMinute, rule.catchUpMs),
    pairs: pairs.length,
    pairStepsApart: Math.max(0, ...apart),
    maxAheadMs,
    maxBehindMs,
  };
}
