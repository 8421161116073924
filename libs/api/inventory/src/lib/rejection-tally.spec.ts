import { Logger } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { MemoryInventoryStore } from './adapters/memory/memory-inventory-store';
import { MAX_UNCHECKED_PRODUCTS, RejectionTally } from './rejection-tally';

describe('RejectionTally', () => {
  let store: MemoryInventoryStore;
  let tally: RejectionTally;

  /** What a purchase path reports: 3 NOT_STARTED and 1 AUTH_REQUIRED on product 2, one unknown product. */
  function rejectSome(): void {
    for (let i = 0; i < 3; i++) tally.count(2, ErrorCode.NotStarted);
    tally.count(9, ErrorCode.ProductNotFound);
    tally.count(2, ErrorCode.AuthRequired);
  }

  beforeEach(async () => {
    store = new MemoryInventoryStore();
    await store.seedIfEmpty([
      { id: 2, name: 'Limited', description: '', price: 1, currency: 'EUR', stock: 9 },
    ]);
    tally = new RejectionTally(store);
  });

  afterEach(async () => {
    jest.useRealTimers();
    await tally.beforeApplicationShutdown();
  });

  describe('on its timer', () => {
    const storedRejects = async () => (await store.salesSummary(2))?.rejects;

    beforeEach(() => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    });

    it('writes the counts about once a second, in one call, never per rejection', async () => {
      const record = jest.spyOn(store, 'recordRejections');
      rejectSome();
      expect(record).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(999);
      expect(record).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      expect(record).toHaveBeenCalledTimes(1);
      // Unknown products are not counted: made-up ids must not grow the table.
      expect(record).toHaveBeenCalledWith([
        { productId: 2, code: ErrorCode.NotStarted, count: 3 },
        { productId: 2, code: ErrorCode.AuthRequired, count: 1 },
      ]);
      // Nothing new: no timer, no write.
      await jest.advanceTimersByTimeAsync(5000);
      expect(record).toHaveBeenCalledTimes(1);
      expect(await storedRejects()).toEqual({ [ErrorCode.NotStarted]: 3, [ErrorCode.AuthRequired]: 1 });
    });

    it('keeps the counts when the store fails, and writes them with the next flush', async () => {
      const record = jest.spyOn(store, 'recordRejections').mockRejectedValueOnce(new Error('store down'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      rejectSome();
      await jest.advanceTimersByTimeAsync(1000);
      expect(record).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('retrying in a second: store down'));
      warn.mockRestore();
      tally.count(2, ErrorCode.AuthRequired);
      await jest.advanceTimersByTimeAsync(1000);
      expect(record).toHaveBeenCalledTimes(2);
      expect(await storedRejects()).toEqual({ [ErrorCode.NotStarted]: 3, [ErrorCode.AuthRequired]: 2 });
    });
  });

  it('flushes on shutdown what was counted since the last write', async () => {
    rejectSome();
    await tally.flush();
    tally.count(2, ErrorCode.AuthRequired);
    await tally.beforeApplicationShutdown();
    expect((await store.salesSummary(2))?.rejects).toMatchObject({ [ErrorCode.AuthRequired]: 2 });
  });

  it('says what is lost when the store fails at shutdown, with no retry left', async () => {
    const record = jest.spyOn(store, 'recordRejections').mockRejectedValue(new Error('store down'));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    rejectSome();
    await tally.beforeApplicationShutdown();
    expect(warn).toHaveBeenCalledWith('Could not record 2 rejection counts at shutdown: store down');
    warn.mockRestore();
    await tally.flush();
    expect(record).toHaveBeenCalledTimes(1);
  });

  it('has nothing to write for refusals that are not the drop’s: unknown products, reused keys', async () => {
    const record = jest.spyOn(store, 'recordRejections');
    tally.count(9, ErrorCode.ProductNotFound);
    tally.count(2, ErrorCode.IdempotencyKeyMismatch);
    await tally.flush();
    expect(record).not.toHaveBeenCalled();
  });

  describe('attempts the rate limiter refused (before the store was asked)', () => {
    it('counts them for a product the store knows, asking the store once per product', async () => {
      const lookUp = jest.spyOn(store, 'inventory');
      for (let i = 0; i < 5; i++) tally.countRateLimited(2);
      await tally.flush();
      expect(lookUp).toHaveBeenCalledTimes(1);
      tally.countRateLimited(2);
      await tally.flush();
      expect(lookUp).toHaveBeenCalledTimes(1);
      expect((await store.salesSummary(2))?.rejects).toEqual({ [ErrorCode.RateLimited]: 6 });
    });

    it('keeps nothing for made-up or malformed ids, and bounds the ids it checks between two flushes', async () => {
      const lookUp = jest.spyOn(store, 'inventory');
      const record = jest.spyOn(store, 'recordRejections');
      for (const id of ['2', -1, 0, 1.5, null, undefined, Number.MAX_SAFE_INTEGER + 2])
        tally.countRateLimited(id);
      for (let id = 100; id < 100 + 10 * MAX_UNCHECKED_PRODUCTS; id++) tally.countRateLimited(id);
      await tally.flush();
      expect(lookUp).toHaveBeenCalledTimes(MAX_UNCHECKED_PRODUCTS);
      expect(record).not.toHaveBeenCalled();
    });

    it('asks again with the next flush when the store could not say', async () => {
      jest.spyOn(store, 'inventory').mockRejectedValueOnce(new Error('store down'));
      tally.countRateLimited(2);
      await tally.flush();
      expect((await store.salesSummary(2))?.rejects).toEqual({});
      await tally.flush();
      expect((await store.salesSummary(2))?.rejects).toEqual({ [ErrorCode.RateLimited]: 1 });
    });
  });
});
