import {
  ApiRoutes,
  ErrorCode,
  QUEUE_PASS_HEADER,
  QUEUE_TICKET_HEADER,
  QueuePass,
  QueueStatus,
} from '@gtd/shared-contracts';
import { OPERATOR_TOKEN, Reply, RequestSpec, RunningApi, send } from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

/**
 * Visitors of one queued drop served by two servers (each a process, or a cluster on one port) on
 * the same stores: a sampler reads the public status from every live server, and visitors take
 * their turn as soon as a status says it has come — each claims its pass at one server and buys at
 * the other, falling back to the other server when its own died. What they saw is kept for the
 * spec to judge.
 */

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** `spec` with the operator's bearer token (the servers run with `ADMIN_TOKEN: OPERATOR_TOKEN`). */
export const asOperator = (spec: RequestSpec): RequestSpec => ({
  ...spec,
  headers: { ...spec.headers, authorization: `Bearer ${OPERATOR_TOKEN}` },
});

export const statusOf = (server: RunningApi, productId: number) =>
  send<QueueStatus>(server.baseUrl, { path: ApiRoutes.queue(productId) });

/** Polls `probe` until it answers something other than undefined; fails with `what` after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe();
    if (answer !== undefined) return answer;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
}

/** One status answer: which server gave it, and the cursor as computed there at `asOfMs`. */
export interface StatusSample {
  server: number;
  /** Samples taken together (one request to each live server) share a round. */
  round: number;
  admittedThrough: number;
  asOfMs: number;
}

/** Where a visitor's pass came from, where it bought and the last answer it got (none without a pass). */
export interface Visit {
  position: number;
  passFrom: number;
  boughtAt: number | null;
  reply: Reply<BuyBody> | null;
}

export interface AdmissionRunOptions {
  productId: number;
  /** position → the ticket holding it. */
  tickets: ReadonlyMap<number, string>;
  /** Visitors taking their turn at once. */
  concurrency: number;
  /** Every this many positions, the pass is also asked at the other server (the same expiry expected). */
  crossCheckEvery: number;
  samplePeriodMs: number;
}

/** How often a visitor asks after a reset or a 503 (at the other server once its own has died). */
const ATTEMPTS = 6;

export class AdmissionRun {
  readonly samples: StatusSample[] = [];
  /** position → the pass, as first handed out. */
  readonly passes = new Map<number, QueuePass>();
  readonly visits = new Map<number, Visit>();
  /** Answers that no visitor should get, described. */
  readonly unexpected: string[] = [];
  /** Passes of one position that the two servers handed out differently. */
  readonly passMismatches: string[] = [];
  /** Requests reset or answered 503, and so asked again: a kill's doing, or the API's fault. */
  readonly retried: { atMs: number; server: number; status: number; what: string }[] = [];
  /** The highest `admittedThrough` any server has shown. */
  frontier = 0;
  private next = 1;
  private round = 0;
  private sampling = false;
  private draining = false;
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly servers: readonly RunningApi[],
    private readonly options: AdmissionRunOptions,
  ) {}

  start(): void {
    this.sampling = true;
    this.loops = [
      this.sampleLoop(),
      ...Array.from({ length: this.options.concurrency }, () => this.visitLoop()),
    ];
  }

  /** Ends every loop at once (a failed test's clean-up). */
  async stop(): Promise<void> {
    this.sampling = false;
    this.stopped = true;
    await Promise.all(this.loops);
  }

  /** Stops sampling, reads the cursor once more, and resolves once every admitted visitor has had a turn. */
  async finish(): Promise<void> {
    this.sampling = false;
    await this.loops[0];
    await this.sampleRound();
    this.draining = true;
    await Promise.all(this.loops);
  }

  /** Every position up to `through` has had its visit (pass and purchase). */
  visitedThrough(through: number): boolean {
    for (let position = 1; position <= through; position++) if (!this.visits.has(position)) return false;
    return true;
  }

  private live(): number[] {
    return this.servers.flatMap((server, i) => (server.alive() ? [i] : []));
  }

  private async sampleRound(): Promise<void> {
    const round = ++this.round;
    const taken = await Promise.all(
      this.live().map(async (server) => ({
        server,
        reply: await statusOf(this.servers[server], this.options.productId),
      })),
    );
    for (const { server, reply } of taken) {
      // A reset is counted (the spec expects them only from a kill); any other failure is the API's.
      if (reply.status === 0) {
        this.retried.push({ atMs: Date.now(), server, status: 0, what: `status: ${reply.error}` });
        continue;
      }
      if (reply.status !== 200) {
        this.unexpected.push(`status at ${server}: ${reply.status} ${reply.text}`);
        continue;
      }
      const { admittedThrough, asOf } = reply.body;
      this.samples.push({ server, round, admittedThrough, asOfMs: Date.parse(asOf) });
      this.frontier = Math.max(this.frontier, admittedThrough);
    }
  }

  private async sampleLoop(): Promise<void> {
    while (this.sampling) {
      await this.sampleRound();
      await sleep(this.options.samplePeriodMs);
    }
  }

  private async visitLoop(): Promise<void> {
    while (!this.stopped) {
      if (this.next <= this.frontier) {
        await this.visit(this.next++);
      } else if (this.draining) {
        return;
      } else {
        await sleep(25);
      }
    }
  }

  /** `spec` to `preferred`, or to the other server once `preferred` is down; and which one answered. */
  private async ask<T>(preferred: number, spec: RequestSpec): Promise<{ reply: Reply<T>; at: number }> {
    let reply: Reply<T> | undefined;
    let at = preferred;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      at = this.servers[preferred].alive() ? preferred : 1 - preferred;
      reply = await send<T>(this.servers[at].baseUrl, spec);
      if (reply.status !== 0 && reply.status !== 503) return { reply, at };
      this.retried.push({
        atMs: Date.now(),
        server: at,
        status: reply.status,
        what: `${spec.path}: ${reply.error ?? reply.text}`,
      });
      await sleep(100 * (attempt + 1));
    }
    return { reply: reply as Reply<T>, at };
  }

  private passRequest(ticket: string): RequestSpec {
    return {
      method: 'POST',
      path: ApiRoutes.queuePass(this.options.productId),
      headers: { [QUEUE_TICKET_HEADER]: ticket },
    };
  }

  private async visit(position: number): Promise<void> {
    const { productId, tickets, crossCheckEvery } = this.options;
    const ticket = tickets.get(position);
    if (ticket === undefined) {
      this.unexpected.push(`no ticket holds position ${position}`);
      return;
    }
    const first = await this.ask<QueuePass>(position % 2, this.passRequest(ticket));
    if (first.reply.status !== 201 || first.reply.body.position !== position) {
      this.unexpected.push(`pass of ${position} at ${first.at}: ${first.reply.status} ${first.reply.text}`);
      this.visits.set(position, { position, passFrom: first.at, boughtAt: null, reply: null });
      return;
    }
    const pass = first.reply.body;
    this.passes.set(position, pass);
    if (position % crossCheckEvery === 0) {
      const other = await this.ask<QueuePass>(1 - first.at, this.passRequest(ticket));
      const { status, body } = other.reply;
      if (status !== 201 || body.position !== position || body.expiresAt !== pass.expiresAt) {
        this.passMismatches.push(
          `position ${position}: ${pass.expiresAt} at ${first.at}, ${status} ${other.reply.text} at ${other.at}`,
        );
      }
    }
    // The same key on every attempt: a retry after a reset buys at most once, and its pass claim is the same.
    const purchase = await this.ask<BuyBody>(1 - first.at, {
      ...buyRequest(productId, 1),
      headers: { [QUEUE_PASS_HEADER]: pass.pass, 'idempotency-key': `queue-procs-${productId}-${position}` },
    });
    const { reply } = purchase;
    this.visits.set(position, { position, passFrom: first.at, boughtAt: purchase.at, reply });
    if (reply.status !== 201 && !(reply.status === 409 && reply.body?.code === ErrorCode.SoldOut)) {
      this.unexpected.push(`purchase of ${position} at ${purchase.at}: ${reply.status} ${reply.text}`);
    }
  }
}
