import { AuditFilter, AuditRecord, AuditStore } from '../../audit-store';
import { BuyerRecord, BuyerStore, EmailKey } from '../../buyer-store';
import { PostgresDatabase } from './postgres-database';

/** The audit log in PostgreSQL (bigserial ids: increasing across every process). */
export class PostgresAuditStore implements AuditStore {
  constructor(private readonly database: PostgresDatabase) {}

  async append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const { rows } = await this.database.query<{ id: number }>(
      `INSERT INTO audit_log (at, actor, action, product_id, details)
       VALUES ($1::timestamptz, $2, $3, $4, $5::jsonb) RETURNING id`,
      [entry.at, entry.actor, entry.action, entry.productId, JSON.stringify(entry.details)],
    );
    return { ...entry, id: String(rows[0].id), details: { ...entry.details } };
  }

  async list(limit: number, before: string | null, filter: AuditFilter = {}): Promise<AuditRecord[]> {
    // Ids are positive integers: anything else is before none of them.
    if (before !== null && !/^[1-9][0-9]{0,14}$/.test(before)) return [];
    const { rows } = await this.database.query<{
      id: number;
      at: Date;
      actor: string;
      action: string;
      product_id: number | null;
      details: Record<string, unknown>;
    }>(
      `SELECT id, at, actor, action, product_id, details FROM audit_log
        WHERE ($2::bigint IS NULL OR id < $2::bigint) AND ($3::bigint IS NULL OR product_id = $3::bigint)
          AND ($4::text IS NULL OR action = $4::text)
        ORDER BY id DESC LIMIT $1`,
      [limit, before, filter.productId ?? null, filter.action ?? null],
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      productId: r.product_id,
      details: r.details,
    }));
  }
}

/** Buyer accounts in PostgreSQL; the UNIQUE email decides a registration race between processes. */
export class PostgresBuyerStore implements BuyerStore {
  constructor(private readonly database: PostgresDatabase) {}

  async create(buyer: BuyerRecord & { email: EmailKey }): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `INSERT INTO buyers (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4::timestamptz)
       ON CONFLICT DO NOTHING`,
      [buyer.id, buyer.email, buyer.passwordHash, buyer.createdAt],
    );
    return rowCount === 1;
  }

  async findByEmail(email: EmailKey): Promise<BuyerRecord | undefined> {
    const { rows } = await this.database.query<{
      id: string;
      email: string;
      password_hash: string;
      created_at: Date;
    }>('SELECT id, email, password_hash, created_at FROM buyers WHERE email = $1', [email]);
    const row = rows[0];
    return (
      row && {
        id: row.id,
        email: row.email,
        passwordHash: row.password_hash,
        createdAt: row.created_at.toISOString(),
      }
    );
  }
}
