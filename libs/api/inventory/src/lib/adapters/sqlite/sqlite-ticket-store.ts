import { CheckInRecord, CheckInResult, TICKET_SIGNING_KEY_NAME, TicketStore } from '../../ticket-store';
import { SqliteDatabase } from './sqlite-database';

/** The shared secrets of one SQLite file: the queue's signing secrets and the tickets' key. */
export class SqliteSharedSecrets {
  private readonly statements;

  constructor(private readonly database: SqliteDatabase) {
    const { db } = database;
    this.statements = {
      store: db.prepare<[string, string]>(
        'INSERT INTO shared_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      find: db.prepare<[string], { value: string }>('SELECT value FROM shared_secrets WHERE name = ?'),
    };
  }

  /** The secret stored under `name`, `candidate` stored first if there is none, in one transaction. */
  secret(name: string, candidate: string): Promise<string> {
    const s = this.statements;
    return this.database.write(() => {
      s.store.run(name, candidate);
      const stored = s.find.get(name);
      if (!stored) throw new Error('shared secret vanished inside its own transaction');
      return stored.value;
    });
  }
}

interface CheckInRow {
  scanner: string;
  at_ms: number;
}

/** Check-ins in the drop's SQLite file: the insert and the read of the winner in one write transaction. */
export class SqliteTicketStore implements TicketStore {
  private readonly statements;

  constructor(
    private readonly database: SqliteDatabase,
    private readonly secrets: SqliteSharedSecrets,
  ) {
    const { db } = database;
    this.statements = {
      insert: db.prepare<[string, string, number]>(
        'INSERT INTO check_ins (order_id, scanner, at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      find: db.prepare<[string], CheckInRow>('SELECT scanner, at_ms FROM check_ins WHERE order_id = ?'),
    };
  }

  signingKey(candidate: string): Promise<string> {
    return this.secrets.secret(TICKET_SIGNING_KEY_NAME, candidate);
  }

  checkIn(orderId: string, scanner: string, atMs: number): Promise<CheckInResult> {
    const s = this.statements;
    return this.database.write(() => {
      const admitted = s.insert.run(orderId, scanner, atMs).changes === 1;
      const row = s.find.get(orderId);
      if (!row) throw new Error('check-in vanished inside its own transaction');
      return {
        status: admitted ? 'admitted' : 'already',
        checkIn: { orderId, scanner: row.scanner, atMs: row.at_ms },
      };
    });
  }

  async checkInOf(orderId: string): Promise<CheckInRecord | undefined> {
    const row = this.database.read(() => this.statements.find.get(orderId));
    return row && { orderId, scanner: row.scanner, atMs: row.at_ms };
  }
}
