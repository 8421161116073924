import { Logger } from '@nestjs/common';
import type { ScryptOptions } from 'node:crypto';
import { Worker } from 'node:worker_threads';

/** Derives a scrypt key; where it runs (and at what priority) is the implementation's business. */
export type DeriveKey = (
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/**
 * The hash threads' nice value. Linux's scheduler weighs nice 10 at about a tenth of nice 0, so
 * on a saturated core the event loop keeps ≈ 90 % of it and a hash still ends in a few seconds.
 * Nice 19 (weight 15 vs 1,024) starved them: in the bench's poll-flood row no sign-in finished at all.
 */
export const HASH_THREAD_NICE = 10;

/**
 * The worker's whole program, evaluated (not a file: the API is one bundle). It lowers its own
 * thread's priority — `setpriority` with a thread id applies to that thread only on Linux, and
 * /proc/thread-self names it — then derives keys synchronously, one at a time.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { scryptSync } = require('node:crypto');
const { readlinkSync } = require('node:fs');
const { setPriority } = require('node:os');
let threadId = null;
let lowered = null;
try {
  threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
  setPriority(threadId, ${HASH_THREAD_NICE});
} catch (error) {
  lowered = String(error && error.message);
}
parentPort.postMessage({ ready: true, threadId, lowered });
parentPort.on('message', ({ id, password, salt, keyLength, options }) => {
  try {
    parentPort.postMessage({ id, key: scryptSync(password, salt, keyLength, options) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message) });
  }
});
`;

interface Job {
  id: number;
  resolve: (key: Buffer) => void;
  reject: (error: Error) => void;
}

interface HashThread {
  worker: Worker;
  /** The job it is deriving, if any. */
  job?: Job;
  /** The OS thread id, once the worker said (Linux). */
  threadId: number | null;
}

/**
 * Password hashing on its own threads at a low CPU priority, instead of libuv's pool at the event
 * loop's. scrypt is CPU-bound by design (≈ 0.3 s per hash here): on the pool, a sign-in flood took
 * the same core as the loop (bench `poll-flood`, one core, Fastify: 1,440 polls/s under the flood
 * vs 19,889 without, p99 11.8×; now ≈ 5,000 polls/s). At nice 10 the kernel gives the loop the CPU
 * when it wants it and hashes use what is left; libuv's pool stays free for file and DNS work.
 * How many run at once is PasswordHashGate's bound.
 */
export class ScryptWorkers {
  private readonly threads: HashThread[] = [];
  private readonly queue: { job: Job; message: object }[] = [];
  private nextId = 0;
  private closed = false;
  private readonly logger = new Logger('PasswordHash');

  constructor(private readonly size: number) {}

  readonly derive: DeriveKey = (password, salt, keyLength, options) =>
    new Promise<Buffer>((resolve, reject) => {
      if (this.closed) {
        reject(new Error('password hashing has shut down'));
        return;
      }
      const job = { id: this.nextId++, resolve, reject };
      this.queue.push({ job, message: { id: job.id, password, salt, keyLength, options } });
      this.dispatch();
    });

  /** The OS thread ids of the started workers (Linux), e.g. to read their priority. */
  threadIds(): number[] {
    return this.threads.flatMap((thread) => (thread.threadId === null ? [] : [thread.threadId]));
  }

  async close(): Promise<void> {
    this.closed = true;
    const stopping = this.threads.splice(0).map((thread) => {
      thread.job?.reject(new Error('password hashing has shut down'));
      return thread.worker.terminate();
    });
    for (const { job } of this.queue.splice(0)) job.reject(new Error('password hashing has shut down'));
    await Promise.all(stopping);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.threads.find((thread) => !thread.job) ?? this.start();
      if (!idle) return;
      const next = this.queue.shift();
      if (!next) return;
      idle.job = next.job;
      idle.worker.postMessage(next.message);
    }
  }

  /** A new thread while fewer than `size` run; started lazily, so an API without sign-ins has none. */
  private start(): HashThread | undefined {
    if (this.threads.length >= this.size) return undefined;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // Idle hash threads never keep the process alive.
    worker.unref();
    const thread: HashThread = { worker, threadId: null };
    worker.on(
      'message',
      (message: {
        ready?: boolean;
        threadId?: number | null;
        lowered?: string | null;
        id?: number;
        key?: Uint8Array;
        error?: string;
      }) => {
        if (message.ready) {
          thread.threadId = message.threadId ?? null;
          if (message.lowered) this.logger.warn(`Hash thread kept its priority: ${message.lowered}`);
          return;
        }
        const job = thread.job;
        thread.job = undefined;
        if (job && job.id === message.id) {
          if (message.key) job.resolve(Buffer.from(message.key));
          else job.reject(new Error(message.error ?? 'scrypt failed'));
        }
        this.dispatch();
      },
    );
    worker.on('error', (error) => this.retire(thread, error));
    worker.on('exit', () => this.retire(thread, new Error('password hash thread exited')));
    this.threads.push(thread);
    return thread;
  }

  /** A thread that died fails its job; the next job starts a fresh one. */
  private retire(thread: HashThread, error: Error): void {
    const index = this.threads.indexOf(thread);
    if (index < 0) return;
    this.threads.splice(index, 1);
    thread.job?.reject(error);
    thread.job = undefined;
    if (!this.closed) this.dispatch();
  }
}
