import { CheckInRecord, CheckInResult, TICKET_SIGNING_KEY_NAME, TicketStore } from '../../ticket-store';
import { PostgresDatabase, timestamp } from './postgres-database';

/**
 * The secret stored under `name`, `candidate` stored first if there is none, in one statement: the
 * no-op update returns the value another process committed meanwhile (it waits for that row).
 */
export async function postgresSharedSecret(
  database: PostgresDatabase,
  name: string,
  candidate: string,
): Promise<string> {
  const { rows } = await database.query<{ value: string }>(
    `INSERT INTO shared_secrets AS s (name, value) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET value = s.value RETURNING value`,
    [name, candidate],
  );
  return rows[0].value;
}

interface CheckInRow {
  scanner: string;
  at: Date;
  admitted: boolean;
}

/**
 * Check-ins in PostgreSQL, for `STORE=postgres` and `STORE=redis` alike (the door's record must
 * outlive a Redis that forgets). One statement per scan: the order id's primary key lets one
 * insert win; every other scan's no-op update waits for it and returns the winner's row.
 */
export class PostgresTicketStore implements TicketStore {
  constructor(private readonly database: PostgresDatabase) {}

  signingKey(candidate: string): Promise<string> {
    return postgresSharedSecret(this.database, TICKET_SIGNING_KEY_NAME, candidate);
  }

  async checkIn(orderId: string, scanner: string, atMs: number): Promise<CheckInResult> {
    // `xmax = 0` only on the row version this statement inserted.
    const { rows } = await this.database.query<CheckInRow>(
      `INSERT INTO check_ins AS c (order_id, scanner, at) VALUES ($1, $2, $3::timestamptz)
       ON CONFLICT (order_id) DO UPDATE SET order_id = c.order_id
       RETURNING c.scanner, c.at, (c.xmax = 0) AS admitted`,
      [orderId, scanner, timestamp(atMs)],
    );
    const row = rows[0];
    const checkIn = { orderId, scanner: row.scanner, atMs: row.at.getTime() };
    return { status: row.admitted ? 'admitted' : 'already', checkIn };
  }

  async checkInOf(orderId: string): Promise<CheckInRecord | undefined> {
    const { rows } = await this.database.query<Omit<CheckInRow, 'admitted'>>(
      'SELECT scanner, at FROM check_ins WHERE order_id = $1',
      [orderId],
    );
    return rows[0] && { orderId, scanner: rows[0].scanner, atMs: rows[0].at.getTime() };
  }
}
