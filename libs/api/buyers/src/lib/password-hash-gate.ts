import { Inject, Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ApiRoutes, ErrorCode } from '@gtd/shared-contracts';
import { DomainError, LoadShedder } from '@gtd/api-platform';
import { BUYERS_OPTIONS, BuyersModuleOptions } from './buyers.options';
import { DeriveKey, ScryptWorkers } from './scrypt-workers';

/** Defaults: two hash threads (at a low CPU priority, see ScryptWorkers) and a short queue. */
export const DEFAULT_HASH_CONCURRENCY = 2;
export const DEFAULT_HASH_QUEUE = 32;

/** The refusal past the queue, whether the route's pipeline or LoadShedder gives it. */
const SATURATED = {
  detail: 'Too many sign-ins at this moment; nothing was changed. Try again in a second.',
  retryAfterSeconds: 1,
} as const;
/**
 * LoadShedder holds its refusals this long: the second `Retry-After` asks for. A flood that asks
 * again at once sends one request a second per connection instead of thousands.
 */
const SHED_HOLD_MS = SATURATED.retryAfterSeconds * 1000;
const CLOSED = 'Password hashing has stopped: the server is shutting down; nothing was changed.';

/**
 * Bounds the password hashes running at once. scrypt runs on libuv's thread pool, which file and
 * DNS work (and the database drivers' own) share: 32 concurrent sign-ins would fill all four threads
 * for seconds and stall every request that needs one. A short queue absorbs a burst; past it, a
 * sign-in is refused at once with 503 and `Retry-After` instead of waiting — nothing was changed,
 * so the client may simply try again. While the queue is full, LoadShedder refuses both hashing
 * routes before Nest's pipeline, so a flood's refusals cost almost nothing on the event loop.
 */
@Injectable()
export class PasswordHashGate implements OnApplicationShutdown {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** One thread per slot: the gate never asks for more at once. */
  private readonly workers: ScryptWorkers;
  private closed = false;

  constructor(
    @Inject(BUYERS_OPTIONS) options: Pick<BuyersModuleOptions, 'hashConcurrency' | 'hashQueue'>,
    // Absent only in feature specs without ObservabilityModule: the pipeline then refuses alone.
    @Optional() shedder?: LoadShedder,
  ) {
    this.concurrency = options.hashConcurrency ?? DEFAULT_HASH_CONCURRENCY;
    this.queueLimit = options.hashQueue ?? DEFAULT_HASH_QUEUE;
    this.workers = new ScryptWorkers(this.concurrency);
    for (const path of [ApiRoutes.signIn, ApiRoutes.register]) {
      shedder?.shed({
        method: 'POST',
        path,
        overloaded: () => this.saturated,
        ...SATURATED,
        holdMs: SHED_HOLD_MS,
      });
    }
  }

  /** Every slot busy and the queue full: the next hash would be refused. */
  get saturated(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.queueLimit;
  }

  /**
   * Runs `hash` with the key derivation when a slot is free; throws 503 SERVICE_UNAVAILABLE when
   * the queue is full.
   */
  async run<T>(hash: (deriveKey: DeriveKey) => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new DomainError(ErrorCode.ServiceUnavailable, SATURATED.detail, {
          retryAfterSeconds: SATURATED.retryAfterSeconds,
        });
      }
      // The slot is handed over by the finishing hash, so `running` never exceeds the bound.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await hash(this.workers.derive);
    } catch (error) {
      // A hash refused or cut short by shutdown (its thread terminated) is a 503 to give, not a bug.
      if (this.closed && !(error instanceof DomainError)) {
        throw new DomainError(ErrorCode.ServiceUnavailable, CLOSED, { retryAfterSeconds: 1 });
      }
      throw error;
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    await this.workers.close();
  }
}
