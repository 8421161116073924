import {
  PassClaimResult,
  QueueDrawResult,
  QueueOrder,
  QueueProgressRecord,
  QueueSettingsRecord,
  QueueStore,
  QueueTicketKind,
  QueueTicketRecord,
} from '../../queue-store';
import { GroupCommit } from '../group-commit';
import { decodeDrawnOrder, encodeDrawnOrder, QueueStateColumns, queueProgressFromRow } from '../queue-rows';
import { PostgresDatabase, timestamp } from './postgres-database';
import { postgresSharedSecret } from './postgres-ticket-store';

interface SettingsRow {
  product_id: number;
  enabled: boolean;
  pre_queue_opens_at_ms: number | null;
  queue_order: QueueOrder;
  admissions_per_minute: number | null;
  stock_multiple: number;
  pass_lifetime_ms: number;
  require_sign_in: boolean;
  proof_of_work: number | null;
  admissions_paused: boolean;
}

interface CountedRow {
  product_id: number;
  pre_queue_joined: number;
  open_joined: number;
  drawn_count: number | null;
}

interface AnonymousJoin {
  productId: number;
  preQueue: boolean;
}

const msOf = (column: string): string => `(extract(epoch FROM ${column}) * 1000)::bigint`;

const SETTINGS_COLUMNS = `product_id, enabled, ${msOf('pre_queue_opens_at')} AS pre_queue_opens_at_ms,
  queue_order, admissions_per_minute, stock_multiple, pass_lifetime_ms, require_sign_in, proof_of_work,
  admissions_paused`;

const STATE_COLUMNS = `pre_queue_joined, open_joined, drawn_count, admitted,
  ${msOf('last_admitted_at')} AS last_admitted_at_ms`;

/**
 * Counts the tickets of a batch of anonymous joins (`$1` drops, `$2` pre-queue asked, in arrival
 * order), each drop's row once and in id order (two processes' batches never deadlock). The
 * conflict path reads `drawn_count` under the row lock it counts with, so a pre-queue join after
 * the draw (on any process) becomes an open ticket.
 */
const COUNT_TICKETS = `
  INSERT INTO queue_state AS s (product_id, pre_queue_joined, open_joined)
  SELECT product_id, count(*) FILTER (WHERE pre), count(*) FILTER (WHERE NOT pre)
    FROM unnest($1::bigint[], $2::boolean[]) AS j (product_id, pre)
   GROUP BY product_id ORDER BY product_id
  ON CONFLICT (product_id) DO UPDATE SET
    pre_queue_joined = s.pre_queue_joined
      + CASE WHEN s.drawn_count IS NULL THEN excluded.pre_queue_joined ELSE 0 END,
    open_joined = s.open_joined + excluded.open_joined
      + CASE WHEN s.drawn_count IS NULL THEN 0 ELSE excluded.pre_queue_joined END
  RETURNING product_id, pre_queue_joined, open_joined, drawn_count`;

/** Inside the buyer's lock (see `join`): the ticket held, or a new one counted and recorded. */
const BUYER_JOIN = `
  WITH held AS (SELECT kind, n FROM queue_buyers WHERE product_id = $1::bigint AND buyer_id = $3::text),
  counted AS (
    INSERT INTO queue_state AS s (product_id, pre_queue_joined, open_joined)
    SELECT $1::bigint, $2::boolean::int, (NOT $2::boolean)::int WHERE NOT EXISTS (SELECT FROM held)
    ON CONFLICT (product_id) DO UPDATE SET
      pre_queue_joined = s.pre_queue_joined + ($2::boolean AND s.drawn_count IS NULL)::int,
      open_joined = s.open_joined + (NOT ($2::boolean AND s.drawn_count IS NULL))::int
    RETURNING
      CASE WHEN $2::boolean AND s.drawn_count IS NULL THEN 'pre' ELSE 'open' END AS kind,
      CASE WHEN $2::boolean AND s.drawn_count IS NULL THEN s.pre_queue_joined ELSE s.open_joined END AS n
  ),
  recorded AS (
    INSERT INTO queue_buyers (product_id, buyer_id, kind, n) SELECT $1::bigint, $3::text, kind, n FROM counted
  )
  SELECT kind, n, true AS existing FROM held UNION ALL SELECT kind, n, false FROM counted`;

/**
 * Anonymous joins counted in one statement at most. Every join of a drop waits for its row lock,
 * held while one batch's statement commits: grouping turns a crowd's thousand commits into a few.
 */
const MAX_JOIN_BATCH = 1_000;

/**
 * The first key of the two-key advisory locks that serialise one buyer's joins (the second is a
 * hash of drop and buyer). The two-key space never meets the one-key locks of migrations and ids.
 */
const BUYER_JOIN_LOCK = 0x67746402;

/** How often an instance deletes expired spent challenges (they are refused by signature anyway). */
const CHALLENGE_PRUNE_INTERVAL_MS = 1_000;

const toSettings = (row: SettingsRow): QueueSettingsRecord => ({
  productId: row.product_id,
  enabled: row.enabled,
  preQueueOpensAtMs: row.pre_queue_opens_at_ms,
  order: row.queue_order,
  admissionsPerMinute: row.admissions_per_minute,
  stockMultiple: row.stock_multiple,
  passLifetimeMs: row.pass_lifetime_ms,
  requireSignIn: row.require_sign_in,
  proofOfWork: row.proof_of_work,
  admissionsPaused: row.admissions_paused,
});

/**
 * The waiting room in PostgreSQL, shared by every process on the database. Each mutating call is
 * one statement whose conflict or condition is decided under the row's lock (ON CONFLICT … DO
 * UPDATE … WHERE re-checks the newest version), or one transaction that locks first: a buyer's
 * join (an advisory lock on the buyer) and the draw (the state row FOR UPDATE).
 */
export class PostgresQueueStore implements QueueStore {
  private nextPruneAtMs = 0;
  private readonly anonymousJoins: GroupCommit<AnonymousJoin, QueueTicketRecord>;

  constructor(private readonly database: PostgresDatabase) {
    this.anonymousJoins = new GroupCommit((joins) => this.countTickets(joins), MAX_JOIN_BATCH);
  }

  /** Resolves once no join is queued or in flight (before the pool is closed). */
  drained(): Promise<void> {
    return this.anonymousJoins.drained();
  }

  async listSettings(): Promise<QueueSettingsRecord[]> {
    const { rows } = await this.database.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM queue_settings`);
    return rows.map(toSettings);
  }

  async settings(productId: number): Promise<QueueSettingsRecord | undefined> {
    const { rows } = await this.database.query<SettingsRow>(
      `SELECT ${SETTINGS_COLUMNS} FROM queue_settings WHERE product_id = $1`,
      [productId],
    );
    return rows[0] && toSettings(rows[0]);
  }

  async saveSettings(settings: QueueSettingsRecord): Promise<QueueSettingsRecord> {
    const s = settings;
    await this.database.query(
      `INSERT INTO queue_settings (product_id, enabled, pre_queue_opens_at, queue_order, admissions_per_minute,
         stock_multiple, pass_lifetime_ms, require_sign_in, proof_of_work, admissions_paused)
       VALUES ($1, $2, $3::timestamptz, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (product_id) DO UPDATE SET
         enabled = excluded.enabled, pre_queue_opens_at = excluded.pre_queue_opens_at,
         queue_order = excluded.queue_order, admissions_per_minute = excluded.admissions_per_minute,
         stock_multiple = excluded.stock_multiple, pass_lifetime_ms = excluded.pass_lifetime_ms,
         require_sign_in = excluded.require_sign_in, proof_of_work = excluded.proof_of_work,
         admissions_paused = excluded.admissions_paused`,
      [
        s.productId,
        s.enabled,
        timestamp(s.preQueueOpensAtMs),
        s.order,
        s.admissionsPerMinute,
        s.stockMultiple,
        s.passLifetimeMs,
        s.requireSignIn,
        s.proofOfWork,
        s.admissionsPaused,
      ],
    );
    return { ...settings };
  }

  async join(productId: number, buyerId: string | null, preQueue: boolean): Promise<QueueTicketRecord> {
    if (buyerId === null) return this.anonymousJoins.enqueue({ productId, preQueue });
    // Two joins of one buyer must not both find no ticket and both count one: the second waits
    // for the first to commit, then reads the ticket it recorded. Other buyers never wait.
    return this.database.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [
        BUYER_JOIN_LOCK,
        `${productId}:${buyerId}`,
      ]);
      const { rows } = await client.query<QueueTicketRecord>(BUYER_JOIN, [productId, preQueue, buyerId]);
      return rows[0];
    });
  }

  /** One statement for the batch; each join's number follows from its drop's counters after it. */
  private async countTickets(joins: readonly AnonymousJoin[]): Promise<QueueTicketRecord[]> {
    const { rows } = await this.database.query<CountedRow>(COUNT_TICKETS, [
      joins.map((j) => j.productId),
      joins.map((j) => j.preQueue),
    ]);
    const asked = new Map<number, { pre: number; open: number }>();
    for (const { productId, preQueue } of joins) {
      const tally = asked.get(productId) ?? { pre: 0, open: 0 };
      tally[preQueue ? 'pre' : 'open']++;
      asked.set(productId, tally);
    }
    const next = new Map<number, { drawn: boolean; pre: number; open: number }>();
    for (const row of rows) {
      const tally = asked.get(row.product_id) ?? { pre: 0, open: 0 };
      const drawn = row.drawn_count !== null;
      next.set(row.product_id, {
        drawn,
        pre: row.pre_queue_joined - tally.pre + 1,
        open: row.open_joined - tally.open - (drawn ? tally.pre : 0) + 1,
      });
    }
    return joins.map(({ productId, preQueue }) => {
      const counters = next.get(productId);
      if (!counters) throw new Error(`Joins of drop ${productId} were not counted`);
      const kind: QueueTicketKind = preQueue && !counters.drawn ? 'pre' : 'open';
      return { kind, n: counters[kind]++, existing: false };
    });
  }

  async progress(productId: number): Promise<QueueProgressRecord> {
    const { rows } = await this.database.query<QueueStateColumns>(
      `SELECT ${STATE_COLUMNS} FROM queue_state WHERE product_id = $1`,
      [productId],
    );
    return queueProgressFromRow(rows[0]);
  }

  async draw(productId: number, order: Uint32Array | null): Promise<QueueDrawResult> {
    // Encoded before the row is locked: joins wait only for the compare and the one write.
    const bytes = order && encodeDrawnOrder(order);
    return this.database.transaction(async (client): Promise<QueueDrawResult> => {
      await client.query('INSERT INTO queue_state (product_id) VALUES ($1) ON CONFLICT DO NOTHING', [
        productId,
      ]);
      const { rows } = await client.query<QueueStateColumns>(
        `SELECT ${STATE_COLUMNS} FROM queue_state WHERE product_id = $1 FOR UPDATE`,
        [productId],
      );
      const { preQueueJoined: joined, drawnCount } = queueProgressFromRow(rows[0]);
      if (drawnCount !== null) return { status: 'drawn', drawnCount };
      if (order !== null && order.length !== joined) return { status: 'stale', preQueueJoined: joined };
      await client.query(
        'UPDATE queue_state SET drawn_count = pre_queue_joined, drawn_order = $2 WHERE product_id = $1',
        [productId, bytes],
      );
      return { status: 'drawn', drawnCount: joined };
    });
  }

  async drawnOrder(productId: number): Promise<Uint32Array | null> {
    const { rows } = await this.database.query<{ drawn_order: Buffer | null }>(
      'SELECT drawn_order FROM queue_state WHERE product_id = $1',
      [productId],
    );
    const bytes = rows[0]?.drawn_order;
    return bytes ? decodeDrawnOrder(bytes) : null;
  }

  async admit(productId: number, expected: number, through: number, atMs: number): Promise<boolean> {
    if (through <= expected) return false;
    // A queue without a row stands at 0: only a move from 0 may create it. Either way the
    // condition is checked on the newest version of the row, after any concurrent move commits.
    const moveCursor =
      expected === 0
        ? `INSERT INTO queue_state AS s (product_id, admitted, last_admitted_at)
           VALUES ($1::bigint, $3::int, $4::timestamptz)
           ON CONFLICT (product_id) DO UPDATE SET admitted = excluded.admitted,
             last_admitted_at = excluded.last_admitted_at
           WHERE s.admitted = $2::int`
        : `UPDATE queue_state SET admitted = $3::int, last_admitted_at = $4::timestamptz
            WHERE product_id = $1::bigint AND admitted = $2::int`;
    const { rowCount } = await this.database.query(
      `WITH moved AS (${moveCursor} RETURNING product_id)
       INSERT INTO queue_admissions (product_id, through, at) SELECT product_id, $3::int, $4::timestamptz FROM moved`,
      [productId, expected, through, timestamp(atMs)],
    );
    return rowCount === 1;
  }

  async admittedAt(productId: number, position: number): Promise<number | null> {
    const { rows } = await this.database.query<{ at_ms: number }>(
      `SELECT ${msOf('at')} AS at_ms FROM queue_admissions
        WHERE product_id = $1 AND through >= $2 ORDER BY through LIMIT 1`,
      [productId, position],
    );
    return rows[0]?.at_ms ?? null;
  }

  async admittedAsOf(productId: number, atMs: number): Promise<number> {
    const { rows } = await this.database.query<{ through: number | null }>(
      'SELECT max(through) AS through FROM queue_admissions WHERE product_id = $1 AND at <= $2::timestamptz',
      [productId, timestamp(atMs)],
    );
    return rows[0]?.through ?? 0;
  }

  async claimPass(productId: number, position: number, claimKey: string): Promise<PassClaimResult> {
    // The no-op update returns the holder's row even when another process committed it after this
    // statement began (a plain SELECT would not see it): no row means the same key holds it.
    const { rows } = await this.database.query<{ claim_key: string }>(
      `INSERT INTO queue_pass_claims AS c (product_id, position, claim_key) VALUES ($1, $2, $3)
       ON CONFLICT (product_id, position) DO UPDATE SET claim_key = c.claim_key
       WHERE c.claim_key <> excluded.claim_key
       RETURNING claim_key`,
      [productId, position, claimKey],
    );
    if (rows.length === 0) return 'same';
    return rows[0].claim_key === claimKey ? 'claimed' : 'taken';
  }

  async releasePass(productId: number, position: number, claimKey: string): Promise<void> {
    await this.database.query(
      'DELETE FROM queue_pass_claims WHERE product_id = $1 AND position = $2 AND claim_key = $3',
      [productId, position, claimKey],
    );
  }

  async passesClaimed(productId: number, afterPosition: number): Promise<number> {
    const { rows } = await this.database.query<{ n: number }>(
      'SELECT count(*) AS n FROM queue_pass_claims WHERE product_id = $1 AND position > $2',
      [productId, afterPosition],
    );
    return rows[0].n;
  }

  async lead(productId: number, holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const { rowCount } = await this.database.query(
      `INSERT INTO queue_leases AS l (product_id, holder, held_until) VALUES ($1, $2, $4::timestamptz)
       ON CONFLICT (product_id) DO UPDATE SET holder = excluded.holder, held_until = excluded.held_until
       WHERE l.holder = excluded.holder OR l.held_until <= $3::timestamptz`,
      [productId, holder, timestamp(nowMs), timestamp(nowMs + leaseMs)],
    );
    return rowCount === 1;
  }

  async spendChallenge(challengeId: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    if (nowMs >= this.nextPruneAtMs) {
      this.nextPruneAtMs = nowMs + CHALLENGE_PRUNE_INTERVAL_MS;
      await this.database.query('DELETE FROM queue_challenges WHERE expires_at <= $1::timestamptz', [
        timestamp(nowMs),
      ]);
    }
    const { rowCount } = await this.database.query(
      'INSERT INTO queue_challenges (id, expires_at) VALUES ($1, $2::timestamptz) ON CONFLICT DO NOTHING',
      [challengeId, timestamp(expiresAtMs)],
    );
    return rowCount === 1;
  }

  sharedSecret(name: string, candidate: string): Promise<string> {
    return postgresSharedSecret(this.database, name, candidate);
  }
}
