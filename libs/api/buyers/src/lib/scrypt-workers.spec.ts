import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { HASH_THREAD_NICE, ScryptWorkers } from './scrypt-workers';

const OPTIONS = { N: 2 ** 10, r: 8, p: 1 };

/** Field 19 of /proc/self/task/<tid>/stat (after the parenthesised name): the thread's nice value. */
const niceOf = (threadId: number): number =>
  Number(readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8').split(')').pop()?.trim().split(' ')[16]);

describe('ScryptWorkers', () => {
  let workers: ScryptWorkers;

  beforeEach(() => {
    workers = new ScryptWorkers(2);
  });

  afterEach(() => workers.close());

  it('derives the key node:crypto derives', async () => {
    const salt = randomBytes(16);
    const key = await workers.derive('correct horse', salt, 32, OPTIONS);
    expect(key).toEqual(scryptSync('correct horse', salt, 32, OPTIONS));
  });

  it('runs at most its size of threads, each at the hash threads’ low CPU priority, and queues the rest', async () => {
    const salt = randomBytes(16);
    const keys = await Promise.all(
      Array.from({ length: 7 }, (_, i) => workers.derive(`password ${i}`, salt, 32, OPTIONS)),
    );
    expect(new Set(keys.map((k) => k.toString('hex'))).size).toBe(7);
    const threads = workers.threadIds();
    expect(threads.length).toBeLessThanOrEqual(2);
    if (existsSync('/proc/thread-self')) {
      expect(threads.length).toBeGreaterThan(0);
      for (const threadId of threads) expect(niceOf(threadId)).toBe(HASH_THREAD_NICE);
      // The event loop's own thread keeps its priority.
      expect(niceOf(process.pid)).not.toBe(HASH_THREAD_NICE);
    }
  });

  it('fails a bad derivation without losing the thread', async () => {
    await expect(workers.derive('x', randomBytes(16), 32, { N: 3 })).rejects.toThrow();
    await expect(workers.derive('x', randomBytes(16), 32, OPTIONS)).resolves.toHaveLength(32);
  });

  it('refuses work once closed, and fails what was waiting', async () => {
    const waiting = Promise.allSettled(
      Array.from({ length: 4 }, () => workers.derive('x', randomBytes(16), 32, { N: 2 ** 14, r: 8, p: 1 })),
    );
    await workers.close();
    const outcomes = await waiting;
    // Closed in the same tick: none of them can have finished.
    expect(outcomes.map((o) => o.status)).toEqual(Array(4).fill('rejected'));
    await expect(workers.derive('x', randomBytes(16), 32, OPTIONS)).rejects.toThrow(/shut down/);
  });
});
