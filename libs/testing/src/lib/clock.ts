/** The shape of the API's clock (`CLOCK`): epoch milliseconds. */
export interface TestClock {
  now(): number;
}

/**
 * A clock a test moves by hand, so schedules are tested to the millisecond without sleeping:
 * `Test.createTestingModule(…).overrideProvider(CLOCK).useValue(new FakeClock(…))`.
 */
export class FakeClock implements TestClock {
  private ms: number;

  /** Starts at `start` (epoch ms or ISO 8601), by default the real time of construction. */
  constructor(start: number | string = Date.now()) {
    this.ms = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.ms;
  }

  set(at: number | string): void {
    this.ms = typeof at === 'string' ? Date.parse(at) : at;
  }

  advance(ms: number): void {
    this.ms += ms;
  }
}
