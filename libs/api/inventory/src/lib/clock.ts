/** Where the inventory reads the time: schedules and key expiry depend on it, so tests inject one. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** Injection token of the clock; tests swap it with `.overrideProvider(CLOCK).useValue(…)`. */
export const CLOCK = Symbol('Clock');

export const systemClock: Clock = { now: () => Date.now() };
