import { AuditFilter, AuditRecord, AuditStore } from '../../audit-store';
import { BuyerRecord, BuyerStore, EmailKey } from '../../buyer-store';
import { SqliteDatabase } from './sqlite-database';

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  product_id: number | null;
  details: string;
}

interface BuyerRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: string;
}

const toAudit = (row: AuditRow): AuditRecord => ({
  id: String(row.id),
  at: row.at,
  actor: row.actor,
  action: row.action,
  productId: row.product_id,
  details: JSON.parse(row.details) as Record<string, unknown>,
});

/** The audit log in the drop's SQLite file (AUTOINCREMENT ids: never reused, always increasing). */
export class SqliteAuditStore implements AuditStore {
  private readonly statements;

  constructor(private readonly database: SqliteDatabase) {
    const { db } = database;
    this.statements = {
      append: db.prepare<[string, string, string, number | null, string], AuditRow>(
        `INSERT INTO audit_log (at, actor, action, product_id, details) VALUES (?, ?, ?, ?, ?)
         RETURNING id, at, actor, action, product_id, details`,
      ),
      // A filter member left null keeps every entry (one statement for every filter).
      page: db.prepare<
        [{ before: number; productId: number | null; action: string | null; limit: number }],
        AuditRow
      >(
        `SELECT id, at, actor, action, product_id, details FROM audit_log
          WHERE id < @before AND (@productId IS NULL OR product_id = @productId) AND (@action IS NULL OR action = @action)
          ORDER BY id DESC LIMIT @limit`,
      ),
    };
  }

  async append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const details = JSON.stringify(entry.details);
    const row = await this.database.write(() =>
      this.statements.append.get(entry.at, entry.actor, entry.action, entry.productId, details),
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toAudit(row);
  }

  async list(limit: number, before: string | null, filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const beforeId = before === null ? Number.MAX_SAFE_INTEGER : Number(before);
    if (!Number.isSafeInteger(beforeId)) return [];
    const query = {
      before: beforeId,
      productId: filter.productId ?? null,
      action: filter.action ?? null,
      limit,
    };
    return this.database.read(() => this.statements.page.all(query)).map(toAudit);
  }
}

/** Buyer accounts in the drop's SQLite file; the UNIQUE email decides a registration race. */
export class SqliteBuyerStore implements BuyerStore {
  private readonly statements;

  constructor(private readonly database: SqliteDatabase) {
    const { db } = database;
    this.statements = {
      create: db.prepare<[string, string, string, string]>(
        `INSERT INTO buyers (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (email) DO NOTHING`,
      ),
      byEmail: db.prepare<[string], BuyerRow>(
        'SELECT id, email, password_hash, created_at FROM buyers WHERE email = ?',
      ),
    };
  }

  async create(buyer: BuyerRecord & { email: EmailKey }): Promise<boolean> {
    const { id, email, passwordHash, createdAt } = buyer;
    const { changes } = await this.database.write(() =>
      this.statements.create.run(id, email, passwordHash, createdAt),
    );
    return changes === 1;
  }

  async findByEmail(email: EmailKey): Promise<BuyerRecord | undefined> {
    const row = this.database.read(() => this.statements.byEmail.get(email));
    return (
      row && { id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at }
    );
  }
}
