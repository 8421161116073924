import { createTestDatabase, describeWithService } from '@gtd/testing';
import { PostgresDatabase } from './postgres-database';
import { PostgresQueueStore } from './postgres-queue-store';

/**
 * What the contract suite does not reach: anonymous joins go in batches, and one batch may span
 * several drops, one of them drawn while others are not.
 */
describeWithService({ name: 'PostgreSQL', host: '127.0.0.1', port: 5432 })('PostgresQueueStore', () => {
  let testDatabase: Awaited<ReturnType<typeof createTestDatabase>>;
  let database: PostgresDatabase;
  let queue: PostgresQueueStore;

  beforeEach(async () => {
    testDatabase = await createTestDatabase();
    database = new PostgresDatabase({ connectionString: testDatabase.url });
    await database.migrate();
    queue = new PostgresQueueStore(database);
  });

  afterEach(async () => {
    await queue.drained();
    await database.close();
    await testDatabase.drop();
  });

  it('numbers a batch spanning drops in arrival order, a drawn drop giving open tickets only', async () => {
    await queue.join(2, null, true);
    expect(await queue.draw(2, null)).toEqual({ status: 'drawn', drawnCount: 1 });
    // Enqueued in one event-loop turn: one batch.
    const joins = await Promise.all([
      queue.join(1, null, true),
      queue.join(2, null, true),
      queue.join(1, null, false),
      queue.join(2, null, false),
      queue.join(1, null, true),
      queue.join(3, null, false),
      queue.join(2, null, true),
    ]);
    expect(joins.map((t) => `${t.kind}:${t.n}`)).toEqual([
      'pre:1',
      'open:1',
      'open:1',
      'open:2',
      'pre:2',
      'open:1',
      'open:3',
    ]);
    expect(await queue.progress(1)).toMatchObject({ preQueueJoined: 2, openJoined: 1 });
    expect(await queue.progress(2)).toMatchObject({ preQueueJoined: 1, openJoined: 3, drawnCount: 1 });
  });
});
