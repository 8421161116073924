import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from '@gtd/api-platform';
import { hashPassword } from './password-hash';
import { PasswordHashGate } from './password-hash-gate';
import type { DeriveKey } from './scrypt-workers';

/** A hash that finishes when the test says so, counting how many run at once. */
function controllableHashes() {
  let running = 0;
  let most = 0;
  const finishers: (() => void)[] = [];
  const hash = () =>
    new Promise<string>((resolve) => {
      running++;
      most = Math.max(most, running);
      finishers.push(() => {
        running--;
        resolve('hashed');
      });
    });
  return { hash, finishOne: () => finishers.shift()?.(), most: () => most, started: () => finishers.length };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('PasswordHashGate', () => {
  it('never runs more hashes than its concurrency; a full queue is refused at once with 503', async () => {
    const gate = new PasswordHashGate({ hashConcurrency: 2, hashQueue: 3 });
    const hashes = controllableHashes();
    const admitted = Array.from({ length: 5 }, () => gate.run(hashes.hash));
    const refused = await Promise.allSettled(Array.from({ length: 4 }, () => gate.run(hashes.hash)));
    for (const outcome of refused) {
      expect(outcome.status).toBe('rejected');
      const error = (outcome as PromiseRejectedResult).reason as DomainError;
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe(ErrorCode.ServiceUnavailable);
      expect(error.extensions).toEqual({ retryAfterSeconds: 1 });
    }
    await flush();
    expect(hashes.started()).toBe(2);
    for (let finished = 0; finished < 5; finished++) {
      hashes.finishOne();
      await flush();
    }
    await expect(Promise.all(admitted)).resolves.toEqual(Array(5).fill('hashed'));
    expect(hashes.most()).toBe(2);
    // The slots are free again.
    const later = gate.run(hashes.hash);
    await flush();
    hashes.finishOne();
    await expect(later).resolves.toBe('hashed');
  });

  it('frees the slot when a hash fails', async () => {
    const gate = new PasswordHashGate({ hashConcurrency: 1, hashQueue: 0 });
    await expect(gate.run(() => Promise.reject(new Error('scrypt failed')))).rejects.toThrow('scrypt failed');
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok');
  });

  it('says saturated exactly while every slot is busy and the queue is full', async () => {
    const gate = new PasswordHashGate({ hashConcurrency: 1, hashQueue: 1 });
    const hashes = controllableHashes();
    const first = gate.run(hashes.hash);
    expect(gate.saturated).toBe(false);
    const second = gate.run(hashes.hash);
    expect(gate.saturated).toBe(true);
    await flush();
    hashes.finishOne();
    await first;
    expect(gate.saturated).toBe(false);
    await flush();
    hashes.finishOne();
    await second;
  });

  it('answers hashes still waiting or running at shutdown with 503, not an internal error', async () => {
    const gate = new PasswordHashGate({ hashConcurrency: 1, hashQueue: 2 });
    // Real hashes on the gate's own threads: one is cut short when they stop, two never start.
    const derive = (deriveKey: DeriveKey) => hashPassword('a password', deriveKey);
    const settled = Promise.allSettled(Array.from({ length: 3 }, () => gate.run(derive)));
    await flush();
    await gate.onApplicationShutdown();
    const outcomes = await settled;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const outcome of outcomes) {
      const error = (outcome as PromiseRejectedResult).reason as DomainError;
      expect(error).toBeInstanceOf(DomainError);
      expect(error.code).toBe(ErrorCode.ServiceUnavailable);
    }
    await expect(gate.run(derive)).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
  });
});
