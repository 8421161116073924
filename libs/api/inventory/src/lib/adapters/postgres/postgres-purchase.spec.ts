import { DependencyUnavailable } from '@gtd/api-platform';
import { ErrorCode } from '@gtd/shared-contracts';
import { PurchaseCommand } from '../../inventory-store';
import { PostgresDatabase } from './postgres-database';
import { PostgresPurchases } from './postgres-purchase';

/**
 * What a database cannot be made to do on cue: lose a deadlock. The batch's statement is rolled
 * back whole by PostgreSQL then, so it is sent again; if it keeps losing, every buyer hears "not
 * made". A fake stands in for the pool; the real batches run in postgres-inventory-store.spec.ts.
 */
const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

const command = (productId: number): PurchaseCommand => ({
  productId,
  quantity: 1,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: '',
  nowMs: Date.parse('2030-01-01T00:00:00.000Z'),
});

/** A pool whose purchase statement fails with `failures` deadlocks, then sells everything asked. */
function fakeDatabase(failures: number) {
  const calls: unknown[][] = [];
  const database = {
    ended: false,
    query: async (statement: { values: unknown[] }) => {
      calls.push(statement.values);
      if (calls.length <= failures) throw deadlock;
      const orderIds = statement.values[8] as string[];
      return {
        rows: orderIds.map((id, i) => ({
          outcome: i === 0 ? 'SOLD' : ErrorCode.SoldOut,
          available: 0,
          order_id: i === 0 ? id : null,
          created_at: i === 0 ? new Date('2030-01-01T00:00:00.000Z') : null,
          bought: null,
          starts_at: null,
          ends_at: null,
          paused: false,
          per_buyer_limit: null,
        })),
      };
    },
  };
  return { database: database as unknown as PostgresDatabase, calls };
}

describe('PostgresPurchases batches losing a deadlock', () => {
  it('sends the rolled-back batch again and answers each buyer from the retry', async () => {
    const { database, calls } = fakeDatabase(2);
    const purchases = new PostgresPurchases(database, 60_000);
    const outcomes = await Promise.all([1, 1, 1].map((id) => purchases.purchase(command(id))));
    expect(calls).toHaveLength(3);
    // The same batch each time: the same purchases, the same order ids.
    expect(calls[1]).toEqual(calls[0]);
    expect(calls[2]).toEqual(calls[0]);
    expect(outcomes.map((o) => (o.ok ? 'sold' : o.code))).toEqual([
      'sold',
      ErrorCode.SoldOut,
      ErrorCode.SoldOut,
    ]);
    expect(purchases.batches.stats).toEqual({ batches: 1, commands: 3, largest: 3 });
  });

  it('still losing after the retries: every buyer of the batch hears "not made"', async () => {
    const { database, calls } = fakeDatabase(Infinity);
    const purchases = new PostgresPurchases(database, 60_000);
    const errors = await Promise.all(
      [1, 2].map((id) => purchases.purchase(command(id)).catch((e: unknown) => e)),
    );
    expect(calls).toHaveLength(4);
    for (const error of errors) {
      expect(error).toBeInstanceOf(DependencyUnavailable);
      expect(error).toMatchObject({ dependency: 'postgres', reached: false, cause: deadlock });
    }
  });
});
