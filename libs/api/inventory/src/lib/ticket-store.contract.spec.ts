import { randomUUID } from 'node:crypto';
import { AdapterUnderTest, describeEveryStoreKind } from '../testing/store-kinds';
import { Stores } from './stores';
import { TicketStore } from './ticket-store';

/**
 * The door's contract, on every store kind. "Two instances" are two opened stores over the same
 * data (two processes' views); in memory both are the one store, as there is one process.
 */
const T = Date.parse('2030-01-01T20:00:00.000Z');
/** Many scans in flight on networked stores on a busy CI machine: room, not a speed assertion. */
const RUSH_TIMEOUT_MS = 30_000;

function contract(makeAdapter: () => AdapterUnderTest): void {
  let adapter: AdapterUnderTest;
  let first: Stores;
  let second: Stores;
  let tickets: TicketStore;
  let other: TicketStore;

  beforeEach(async () => {
    adapter = makeAdapter();
    first = await adapter.open();
    second = await adapter.open();
    tickets = first.tickets;
    other = second.tickets;
  });

  afterEach(async () => {
    await Promise.all([first.close(), second.close()]);
    await adapter.cleanup();
  });

  it('keeps the first signing key offered, on every instance, and it outlives a reopen', async () => {
    const [a, b] = await Promise.all([tickets.signingKey('key-a'), other.signingKey('key-b')]);
    expect(a).toBe(b);
    expect(['key-a', 'key-b']).toContain(a);
    expect(await other.signingKey('key-c')).toBe(a);
    const reopened = await adapter.open();
    try {
      expect(await reopened.tickets.signingKey('key-d')).toBe(a);
    } finally {
      if (reopened !== first) await reopened.close();
    }
  });

  it('admits a ticket once, then answers every later scan with the first one', async () => {
    const orderId = randomUUID();
    expect(await tickets.checkInOf(orderId)).toBeUndefined();
    expect(await tickets.checkIn(orderId, 'gate-a', T)).toEqual({
      status: 'admitted',
      checkIn: { orderId, scanner: 'gate-a', atMs: T },
    });
    expect(await other.checkIn(orderId, 'gate-b', T + 5_000)).toEqual({
      status: 'already',
      checkIn: { orderId, scanner: 'gate-a', atMs: T },
    });
    expect(await other.checkInOf(orderId)).toEqual({ orderId, scanner: 'gate-a', atMs: T });
    // Another order is its own ticket.
    const next = randomUUID();
    expect((await other.checkIn(next, 'gate-b', T + 6_000)).status).toBe('admitted');
  });

  it(
    'admits exactly one of 100 concurrent scans of one ticket from two instances',
    async () => {
      const orderId = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? tickets : other).checkIn(orderId, `gate-${i}`, T + i),
        ),
      );
      const admitted = results.filter((r) => r.status === 'admitted');
      expect(admitted).toHaveLength(1);
      const winner = admitted[0].checkIn;
      // Every refused scan names the one that got in, as the door must tell the holder.
      for (const result of results) expect(result.checkIn).toEqual(winner);
      expect(await tickets.checkInOf(orderId)).toEqual(winner);
    },
    RUSH_TIMEOUT_MS,
  );
}

describeEveryStoreKind('TicketStore', contract);
