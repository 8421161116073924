import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from '@gtd/api-platform';
import { BUYERS_OPTIONS, BuyersModuleOptions } from './buyers.options';
import { DeriveKey, ScryptWorkers } from './scrypt-workers';

/** Defaults: two hash threads (at a low CPU priority, see ScryptWorkers) and a short queue. */
export const DEFAULT_HASH_CONCURRENCY = 2;
export const DEFAULT_HASH_QUEUE = 32;

/**
 * Bounds the password hashes running at once. scrypt runs on libuv's thread pool, which file and
 * DNS work (and the database drivers' own) share: 32 concurrent sign-ins would fill all four threads
 * for seconds and stall every request that needs one. A short queue absorbs a burst; past it, a
 * sign-in is refused at once with 503 and `Retry-After` instead of waiting — nothing was changed,
 * so the client may simply try again.
 */
@Injectable()
export class PasswordHashGate implements OnApplicationShutdown {
  private readonly concurrency: number;
  private readonly queueLimit: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** One thread per slot: the gate never asks for more at once. */
  private readonly workers: ScryptWorkers;

  constructor(@Inject(BUYERS_OPTIONS) options: Pick<BuyersModuleOptions, 'hashConcurrency' | 'hashQueue'>) {
    this.concurrency = options.hashConcurrency ?? DEFAULT_HASH_CONCURRENCY;
    this.queueLimit = options.hashQueue ?? DEFAULT_HASH_QUEUE;
    this.workers = new ScryptWorkers(this.concurrency);
  }

  /**
   * Runs `hash` with the key derivation when a slot is free; throws 503 SERVICE_UNAVAILABLE when
   * the queue is full.
   */
  async run<T>(hash: (deriveKey: DeriveKey) => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queueLimit) {
        throw new DomainError(
          ErrorCode.ServiceUnavailable,
          'Too many sign-ins at this moment; nothing was changed. Try again in a second.',
          { retryAfterSeconds: 1 },
        );
      }
      // The slot is handed over by the finishing hash, so `running` never exceeds the bound.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await hash(this.workers.derive);
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.workers.close();
  }
}
