/** A command waiting for the next batch, and how its caller is answered. */
export interface Pending<C, R> {
  command: C;
  resolve: (outcome: R) => void;
  reject: (error: unknown) => void;
}

/** Answers each pending command with its own outcome, in the order the batch was committed. */
export function answerEach<C, R>(batch: readonly Pending<C, R>[], outcomes: readonly R[]): void {
  if (outcomes.length !== batch.length) {
    failEach(batch, new Error(`A batch of ${batch.length} came back with ${outcomes.length} outcomes`));
    return;
  }
  for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
}

/** The whole batch failed together (one transaction): every caller hears the same error. */
export function failEach<C, R>(batch: readonly Pending<C, R>[], error: unknown): void {
  for (const p of batch) p.reject(error);
}

/**
 * Group commit for a store that decides through a round trip (PostgreSQL): commands arriving in
 * the same event-loop turn go as one batch; while a batch is in flight, newcomers queue and go
 * together in the next, sent as soon as the previous one returns. A lone command therefore
 * goes at once (one `setImmediate`, no timer), and under a rush the batch grows to whatever
 * arrived during one round trip, up to `maxBatch`.
 *
 * One batch in flight at a time per queue: the batches of one process never contend with each
 * other for the rows they lock, and arrival order within the process is the commit order.
 * `commit` must answer one outcome per command, in order, or fail as a whole.
 */
export class GroupCommit<C, R> {
  private queue: Pending<C, R>[] = [];
  /** A batch is scheduled or in flight: the next one starts when it returns. */
  private busy = false;
  private idle: (() => void)[] = [];
  /** Batches sent, commands in them and the largest: how much grouping a rush gets. */
  readonly stats = { batches: 0, commands: 0, largest: 0 };

  constructor(
    private readonly commit: (commands: readonly C[]) => Promise<readonly R[]>,
    private readonly maxBatch: number,
  ) {
    if (!(maxBatch >= 1)) throw new Error(`maxBatch must be at least 1 (got ${maxBatch})`);
  }

  /** Commands waiting for a batch (not counting the one in flight). */
  get queued(): number {
    return this.queue.length;
  }

  enqueue(command: C): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      if (this.busy) return;
      this.busy = true;
      setImmediate(this.next);
    });
  }

  /** Resolves once nothing is queued or in flight (at close, after HTTP has drained). */
  drained(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((done) => this.idle.push(done));
  }

  private readonly next = (): void => {
    if (this.queue.length === 0) {
      this.busy = false;
      const idle = this.idle;
      this.idle = [];
      for (const done of idle) done();
      return;
    }
    let batch = this.queue;
    if (batch.length > this.maxBatch) {
      batch = this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.slice(this.maxBatch);
    } else {
      this.queue = [];
    }
    this.stats.batches++;
    this.stats.commands += batch.length;
    if (batch.length > this.stats.largest) this.stats.largest = batch.length;
    let committing: Promise<readonly R[]>;
    try {
      committing = this.commit(batch.map((p) => p.command));
    } catch (error) {
      committing = Promise.reject(error);
    }
    // The next batch is sent before this one's callers are answered: the database works on it
    // while this process writes their responses, instead of each waiting for the other.
    committing.then(
      (outcomes) => {
        this.next();
        setImmediate(answerEach<C, R>, batch, outcomes);
      },
      (error: unknown) => {
        this.next();
        setImmediate(failEach<C, R>, batch, error);
      },
    );
  };
}
