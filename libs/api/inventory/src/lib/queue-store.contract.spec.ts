import { randomInt } from 'node:crypto';
import { AdapterUnderTest, describeEveryStoreKind } from '../testing/store-kinds';
import { QueueSettingsRecord, QueueStore } from './queue-store';
import { Stores } from './stores';

/**
 * The queue port's contract, on every store kind. "Two instances" are two opened stores over the
 * same data (two processes' views); in memory both are the one store, as there is one process.
 */
const T = Date.parse('2030-01-01T00:00:00.000Z');
/** Many calls in flight on networked stores on a busy CI machine: room, not a speed assertion. */
const RUSH_TIMEOUT_MS = 30_000;

const settings = (productId: number, extra: Partial<QueueSettingsRecord> = {}): QueueSettingsRecord => ({
  productId,
  enabled: true,
  preQueueOpensAtMs: T - 3_600_000,
  order: 'random',
  admissionsPerMinute: null,
  stockMultiple: 1.2,
  passLifetimeMs: 300_000,
  requireSignIn: false,
  proofOfWork: null,
  admissionsPaused: false,
  ...extra,
});

/** A uniformly drawn permutation of 0…size-1 (the service's shuffle is tested on its own). */
function permutation(size: number): Uint32Array {
  const order = Uint32Array.from({ length: size }, (_, i) => i);
  for (let i = size - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

function contract(makeAdapter: () => AdapterUnderTest): void {
  let adapter: AdapterUnderTest;
  let first: Stores;
  let second: Stores;
  let queue: QueueStore;
  let other: QueueStore;

  beforeEach(async () => {
    adapter = makeAdapter();
    first = await adapter.open();
    second = await adapter.open();
    queue = first.queue;
    other = second.queue;
  });

  afterEach(async () => {
    await Promise.all([first.close(), second.close()]);
    await adapter.cleanup();
  });

  describe('settings', () => {
    it('are absent until saved, then read back from every instance and listed', async () => {
      expect(await queue.settings(1)).toBeUndefined();
      expect(await queue.listSettings()).toEqual([]);
      const saved = await queue.saveSettings(settings(1, { proofOfWork: 50_000, requireSignIn: true }));
      expect(saved).toEqual(settings(1, { proofOfWork: 50_000, requireSignIn: true }));
      expect(await other.settings(1)).toEqual(saved);
      await queue.saveSettings(
        settings(2, { order: 'fifo', admissionsPerMinute: 120, preQueueOpensAtMs: null }),
      );
      const listed = await other.listSettings();
      expect(listed.sort((a, b) => a.productId - b.productId)).toEqual([
        saved,
        settings(2, { order: 'fifo', admissionsPerMinute: 120, preQueueOpensAtMs: null }),
      ]);
    });

    it('replace the earlier settings and keep the queue itself', async () => {
      await queue.saveSettings(settings(1));
      await queue.join(1, null, false);
      await queue.admit(1, 0, 1, T);
      await other.saveSettings(
        settings(1, { admissionsPaused: true, passLifetimeMs: 60_000, stockMultiple: 2 }),
      );
      expect(await queue.settings(1)).toEqual(
        settings(1, { admissionsPaused: true, passLifetimeMs: 60_000, stockMultiple: 2 }),
      );
      expect(await queue.progress(1)).toMatchObject({ openJoined: 1, admitted: 1 });
    });
  });

  describe('joining', () => {
    it('numbers pre-queue and open tickets apart, each in arrival order from 1', async () => {
      expect(await queue.progress(7)).toEqual({
        preQueueJoined: 0,
        openJoined: 0,
        drawnCount: null,
        admitted: 0,
        lastAdmittedAtMs: null,
      });
      expect(await queue.join(7, null, true)).toEqual({ kind: 'pre', n: 1, existing: false });
      expect(await other.join(7, null, true)).toEqual({ kind: 'pre', n: 2, existing: false });
      expect(await queue.join(7, null, false)).toEqual({ kind: 'open', n: 1, existing: false });
      expect(await queue.join(8, null, false)).toEqual({ kind: 'open', n: 1, existing: false });
      expect(await other.progress(7)).toMatchObject({ preQueueJoined: 2, openJoined: 1 });
    });

    it('gives a signed-in buyer who joins again the ticket already held, on any instance', async () => {
      const ticket = await queue.join(1, 'buyer-a', true);
      expect(ticket).toEqual({ kind: 'pre', n: 1, existing: false });
      expect(await other.join(1, 'buyer-a', false)).toEqual({ kind: 'pre', n: 1, existing: true });
      expect(await other.join(1, 'buyer-b', true)).toEqual({ kind: 'pre', n: 2, existing: false });
      // Another drop is another queue.
      expect(await queue.join(2, 'buyer-a', true)).toEqual({ kind: 'pre', n: 1, existing: false });
      await queue.draw(1, null);
      expect(await queue.join(1, 'buyer-a', true)).toEqual({ kind: 'pre', n: 1, existing: true });
    });

    it(
      'never hands out a number twice when many join at once on two instances',
      async () => {
        const joins = await Promise.all(
          Array.from({ length: 600 }, (_, i) =>
            (i % 2 ? queue : other).join(1, i % 3 === 0 ? `buyer-${i}` : null, i < 300),
          ),
        );
        const pre = joins.filter((t) => t.kind === 'pre').map((t) => t.n);
        const open = joins.filter((t) => t.kind === 'open').map((t) => t.n);
        expect(pre.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
        expect(open.sort((a, b) => a - b)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
        expect(await other.progress(1)).toMatchObject({ preQueueJoined: 300, openJoined: 300 });
      },
      RUSH_TIMEOUT_MS,
    );

    it(
      'gives one buyer joining on many requests at once one ticket',
      async () => {
        const joins = await Promise.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 ? queue : other).join(1, 'buyer-a', true)),
        );
        expect(new Set(joins.map((t) => `${t.kind}:${t.n}`))).toEqual(new Set(['pre:1']));
        expect(joins.filter((t) => !t.existing)).toHaveLength(1);
        expect(await queue.progress(1)).toMatchObject({ preQueueJoined: 1, openJoined: 0 });
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('the draw', () => {
    it('is refused as stale when the order does not cover every pre-queue ticket', async () => {
      await queue.join(1, null, true);
      await queue.join(1, null, true);
      expect(await queue.draw(1, permutation(1))).toEqual({ status: 'stale', preQueueJoined: 2 });
      expect(await queue.progress(1)).toMatchObject({ drawnCount: null });
      expect(await queue.drawnOrder(1)).toBeNull();
    });

    it('is kept once made: a second draw answers the first, and later pre-queue joins are open', async () => {
      for (let i = 0; i < 5; i++) await queue.join(1, null, true);
      const order = Uint32Array.from([3, 0, 4, 1, 2]);
      expect(await queue.draw(1, order)).toEqual({ status: 'drawn', drawnCount: 5 });
      expect(await other.draw(1, Uint32Array.from([0, 1, 2, 3, 4]))).toEqual({
        status: 'drawn',
        drawnCount: 5,
      });
      expect(await other.drawnOrder(1)).toEqual(order);
      expect(await other.join(1, null, true)).toEqual({ kind: 'open', n: 1, existing: false });
      expect(await queue.progress(1)).toMatchObject({ preQueueJoined: 5, openJoined: 1, drawnCount: 5 });
    });

    it('as fifo stores no order', async () => {
      await queue.join(1, null, true);
      expect(await queue.draw(1, null)).toEqual({ status: 'drawn', drawnCount: 1 });
      expect(await other.drawnOrder(1)).toBeNull();
      expect(await queue.draw(2, null)).toEqual({ status: 'drawn', drawnCount: 0 });
    });

    it(
      'of 10,000 tickets reads back exactly, and racing draws on two instances keep one order',
      async () => {
        for (let i = 0; i < 10_000; i += 500)
          await Promise.all(Array.from({ length: 500 }, () => queue.join(1, null, true)));
        const orders = [permutation(10_000), permutation(10_000)];
        const results = await Promise.all([queue.draw(1, orders[0]), other.draw(1, orders[1])]);
        expect(results).toEqual([
          { status: 'drawn', drawnCount: 10_000 },
          { status: 'drawn', drawnCount: 10_000 },
        ]);
        const kept = await queue.drawnOrder(1);
        expect(kept).not.toBeNull();
        expect(await other.drawnOrder(1)).toEqual(kept);
        expect([orders[0], orders[1]]).toContainEqual(kept);
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('admission', () => {
    it('moves the cursor only from the value the caller read, and only forward', async () => {
      expect(await queue.admit(1, 0, 10, T)).toBe(true);
      expect(await other.admit(1, 0, 20, T + 1)).toBe(false);
      expect(await other.admit(1, 10, 10, T + 1)).toBe(false);
      expect(await other.admit(1, 10, 25, T + 1_000)).toBe(true);
      expect(await queue.progress(1)).toMatchObject({ admitted: 25, lastAdmittedAtMs: T + 1_000 });
    });

    it('remembers when each position was admitted and where the cursor stood', async () => {
      await queue.admit(1, 0, 10, T);
      await queue.admit(1, 10, 25, T + 1_000);
      await queue.admit(1, 25, 26, T + 5_000);
      expect(await other.admittedAt(1, 1)).toBe(T);
      expect(await other.admittedAt(1, 10)).toBe(T);
      expect(await other.admittedAt(1, 11)).toBe(T + 1_000);
      expect(await other.admittedAt(1, 26)).toBe(T + 5_000);
      expect(await other.admittedAt(1, 27)).toBeNull();
      expect(await other.admittedAt(2, 1)).toBeNull();
      expect(await other.admittedAsOf(1, T - 1)).toBe(0);
      expect(await other.admittedAsOf(1, T)).toBe(10);
      expect(await other.admittedAsOf(1, T + 4_999)).toBe(25);
      expect(await other.admittedAsOf(1, T + 60_000)).toBe(26);
    });

    it(
      'is decided once when every instance tries the same step at once',
      async () => {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) => (i % 2 ? queue : other).admit(1, 0, 10 + i, T)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = 10 + results.indexOf(true);
        expect(await queue.progress(1)).toMatchObject({ admitted: winner });
        expect(await queue.admittedAsOf(1, T)).toBe(winner);
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('passes', () => {
    it('are claimed by one key; the same key again is a retry; a release frees only its own claim', async () => {
      expect(await queue.claimPass(1, 5, 'key-a')).toBe('claimed');
      expect(await other.claimPass(1, 5, 'key-a')).toBe('same');
      expect(await other.claimPass(1, 5, 'key-b')).toBe('taken');
      await other.releasePass(1, 5, 'key-b');
      expect(await queue.claimPass(1, 5, 'key-b')).toBe('taken');
      await other.releasePass(1, 5, 'key-a');
      expect(await queue.claimPass(1, 5, 'key-b')).toBe('claimed');
      expect(await queue.claimPass(2, 5, 'key-a')).toBe('claimed');
    });

    it('are counted above a position', async () => {
      for (const position of [1, 2, 5, 9]) await queue.claimPass(1, position, `key-${position}`);
      await queue.claimPass(2, 7, 'key-7');
      expect(await other.passesClaimed(1, 0)).toBe(4);
      expect(await other.passesClaimed(1, 2)).toBe(2);
      expect(await other.passesClaimed(1, 9)).toBe(0);
    });

    it(
      'are claimed by exactly one of 100 attempts at once on two instances',
      async () => {
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) => (i % 2 ? queue : other).claimPass(1, 3, `key-${i}`)),
        );
        expect(results.filter((r) => r === 'claimed')).toHaveLength(1);
        expect(results.filter((r) => r === 'taken')).toHaveLength(99);
        expect(await queue.passesClaimed(1, 0)).toBe(1);
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('the admission lease', () => {
    it('has one holder until it runs out, and the holder renews it', async () => {
      expect(await queue.lead(1, 'a', T, 5_000)).toBe(true);
      expect(await other.lead(1, 'b', T + 1_000, 5_000)).toBe(false);
      expect(await queue.lead(1, 'a', T + 4_000, 5_000)).toBe(true);
      expect(await other.lead(1, 'b', T + 8_999, 5_000)).toBe(false);
      expect(await other.lead(1, 'b', T + 9_000, 5_000)).toBe(true);
      expect(await queue.lead(1, 'a', T + 9_500, 5_000)).toBe(false);
      expect(await queue.lead(2, 'a', T + 9_500, 5_000)).toBe(true);
    });

    it(
      'goes to exactly one of many contenders at once',
      async () => {
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) => (i % 2 ? queue : other).lead(1, `holder-${i}`, T, 5_000)),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('proof-of-work challenges and secrets', () => {
    it('spends a challenge once, on any instance', async () => {
      expect(await queue.spendChallenge('c1', T + 60_000, T)).toBe(true);
      expect(await other.spendChallenge('c1', T + 60_000, T + 1)).toBe(false);
      expect(await other.spendChallenge('c2', T + 60_000, T + 1)).toBe(true);
      const spends = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? queue : other).spendChallenge('c3', T + 60_000, T)),
      );
      expect(spends.filter(Boolean)).toHaveLength(1);
    });

    it('keeps the first secret stored under a name, whoever asks', async () => {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? queue : other).sharedSecret('queue', `candidate-${i}`)),
      );
      expect(new Set(answers).size).toBe(1);
      expect(await other.sharedSecret('queue', 'late')).toBe(answers[0]);
      expect(await queue.sharedSecret('tickets', 'another')).toBe('another');
    });
  });
}

describeEveryStoreKind('QueueStore', contract);
