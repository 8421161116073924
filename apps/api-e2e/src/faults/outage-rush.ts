import { ApiRoutes, AuthSession, ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import { asBuyer, BuyBody, buyRequest, open, register, Reply, RequestSpec, tally } from '@gtd/testing';
import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';

/** One `POST /buy` of a rush: its key, its buyer and what it was answered. */
export interface Attempt {
  key: string;
  buyer: AuthSession;
  reply: Reply<BuyBody>;
}

/** A signed-in buyer's purchase of one unit of `productId` under `key`. */
export const keyedPurchase = (productId: number, buyer: AuthSession, key: string): RequestSpec =>
  asBuyer({ ...buyRequest(productId, 1), headers: { 'idempotency-key': key }, timeoutMs: 15_000 }, buyer);

/** `count` fresh buyers (keys are scoped per buyer: no anonymous key scope in play). */
export async function registerBuyers(baseUrl: string, count: number): Promise<AuthSession[]> {
  const run = randomUUID().slice(0, 8);
  const buyers: AuthSession[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await register(baseUrl, `crash-${run}-${i}@example.com`);
    if (reply.status !== 201) throw new Error(`register answered ${reply.status}: ${reply.text}`);
    buyers.push(reply.body);
  }
  return buyers;
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Buyers pressing Buy now without pause, each press with a new Idempotency-Key, `concurrency` at
 * a time, until `stop()`: the rush goes on while a dependency is stopped and started again.
 */
export class Rush {
  readonly attempts: Attempt[] = [];
  private stopping = false;
  private loops: Promise<void>[] = [];
  private readonly agent: Agent;

  constructor(
    private readonly baseUrl: string,
    private readonly buyers: readonly AuthSession[],
    private readonly productId: number,
    private readonly concurrency: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  }

  start(): void {
    this.loops = Array.from({ length: this.concurrency }, (_, i) => this.loop(i));
  }

  /** 201s so far. */
  sold(): number {
    return this.attempts.filter((a) => a.reply.status === 201).length;
  }

  /** Resolves once `count` purchases were confirmed in all; fails after `timeoutMs`. */
  async waitForSales(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sold() < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `${this.sold()} of ${count} sales after ${timeoutMs} ms: ${JSON.stringify(this.statuses())}`,
        );
      }
      await sleep(20);
    }
  }

  statuses(): Record<string, number> {
    return tally(this.attempts.map((a) => a.reply.status));
  }

  async stop(): Promise<Attempt[]> {
    this.stopping = true;
    await Promise.all(this.loops);
    this.agent.destroy();
    return this.attempts;
  }

  private async loop(index: number): Promise<void> {
    const buyer = this.buyers[index % this.buyers.length];
    while (!this.stopping) {
      const key = randomUUID();
      const { reply } = open<BuyBody>(this.baseUrl, keyedPurchase(this.productId, buyer, key), this.agent);
      this.attempts.push({ key, buyer, reply: await reply });
    }
  }
}

/**
 * Every outage answer is the documented 503: problem+json, SERVICE_UNAVAILABLE, Retry-After, and
 * on `POST /buy` whether the purchase was made; returns the 503s that do not comply.
 */
export function badOutageAnswers(replies: readonly Reply<BuyBody>[], purchase: boolean): string[] {
  const outcomes: string[] = [PurchaseFaultOutcome.NotMade, PurchaseFaultOutcome.Unknown];
  return replies
    .filter((r) => r.status === 503)
    .filter(
      (r) =>
        !String(r.headers['content-type']).startsWith('application/problem+json') ||
        r.body?.code !== ErrorCode.ServiceUnavailable ||
        !r.headers['retry-after'] ||
        (purchase ? !outcomes.includes(String(r.body.purchase)) : r.body.purchase !== undefined),
    )
    .map((r) => `${r.status} ${JSON.stringify(r.headers['retry-after'])} ${r.text}`);
}

/** The reads a storefront makes, each on a connection of its own. */
export const storefrontReads = (productId: number, orderId: string): RequestSpec[] => [
  { path: ApiRoutes.products },
  { path: ApiRoutes.product(productId) },
  { path: ApiRoutes.inventory(productId) },
  { path: ApiRoutes.order(orderId) },
];
