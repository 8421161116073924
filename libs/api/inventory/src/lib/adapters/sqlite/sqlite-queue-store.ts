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
import { SqliteDatabase } from './sqlite-database';
import { SqliteSharedSecrets } from './sqlite-ticket-store';
import { GroupCommit } from '../group-commit';
import { decodeDrawnOrder, encodeDrawnOrder, QueueStateColumns, queueProgressFromRow } from '../queue-rows';

interface SettingsRow {
  product_id: number;
  enabled: number;
  pre_queue_opens_at_ms: number | null;
  queue_order: QueueOrder;
  admissions_per_minute: number | null;
  stock_multiple: number;
  pass_lifetime_ms: number;
  require_sign_in: number;
  proof_of_work: number | null;
  admissions_paused: number;
}

interface TicketRow {
  kind: QueueTicketKind;
  n: number;
}

const SETTINGS_COLUMNS = `product_id, enabled, pre_queue_opens_at_ms, queue_order, admissions_per_minute,
  stock_multiple, pass_lifetime_ms, require_sign_in, proof_of_work, admissions_paused`;

/** One join as the batch sees it. */
interface JoinCommand {
  productId: number;
  buyerId: string | null;
  preQueue: boolean;
}

/** Joins counted in one transaction at most: a batch holds the write lock this long and no longer. */
const MAX_JOIN_BATCH = 500;

const STATE_COLUMNS = 'pre_queue_joined, open_joined, drawn_count, admitted, last_admitted_at_ms';

/** How often an instance deletes expired spent challenges (they are refused by signature anyway). */
const CHALLENGE_PRUNE_INTERVAL_MS = 1_000;

const toSettings = (row: SettingsRow): QueueSettingsRecord => ({
  productId: row.product_id,
  enabled: row.enabled === 1,
  preQueueOpensAtMs: row.pre_queue_opens_at_ms,
  order: row.queue_order,
  admissionsPerMinute: row.admissions_per_minute,
  stockMultiple: row.stock_multiple,
  passLifetimeMs: row.pass_lifetime_ms,
  requireSignIn: row.require_sign_in === 1,
  proofOfWork: row.proof_of_work,
  admissionsPaused: row.admissions_paused === 1,
});

const settingsParams = (s: QueueSettingsRecord) => ({
  productId: s.productId,
  enabled: s.enabled ? 1 : 0,
  preQueueOpensAtMs: s.preQueueOpensAtMs,
  order: s.order,
  admissionsPerMinute: s.admissionsPerMinute,
  stockMultiple: s.stockMultiple,
  passLifetimeMs: s.passLifetimeMs,
  requireSignIn: s.requireSignIn ? 1 : 0,
  proofOfWork: s.proofOfWork,
  admissionsPaused: s.admissionsPaused ? 1 : 0,
});

/**
 * The waiting room in the drop's SQLite file. Every mutating call runs in one IMMEDIATE
 * transaction (`SqliteDatabase.write`), so a read and the write it decides are one step for every
 * process on the file: a buyer's ticket, the draw, the cursor, a pass claim and the lease each have
 * one answer however many instances ask at once.
 */
export class SqliteQueueStore implements QueueStore {
  private readonly statements;
  private nextPruneAtMs = 0;

  private readonly joins = new GroupCommit<JoinCommand, QueueTicketRecord>(
    (joins) => this.database.write(() => joins.map((join) => this.joinNow(join))),
    MAX_JOIN_BATCH,
  );

  constructor(
    private readonly database: SqliteDatabase,
    private readonly secrets: SqliteSharedSecrets,
  ) {
    const { db } = database;
    this.statements = {
      listSettings: db.prepare<[], SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM queue_settings`),
      settings: db.prepare<[number], SettingsRow>(
        `SELECT ${SETTINGS_COLUMNS} FROM queue_settings WHERE product_id = ?`,
      ),
      saveSettings: db.prepare<[ReturnType<typeof settingsParams>]>(
        `INSERT INTO queue_settings (${SETTINGS_COLUMNS})
         VALUES (@productId, @enabled, @preQueueOpensAtMs, @order, @admissionsPerMinute, @stockMultiple,
                 @passLifetimeMs, @requireSignIn, @proofOfWork, @admissionsPaused)
         ON CONFLICT (product_id) DO UPDATE SET
           enabled = excluded.enabled, pre_queue_opens_at_ms = excluded.pre_queue_opens_at_ms,
           queue_order = excluded.queue_order, admissions_per_minute = excluded.admissions_per_minute,
           stock_multiple = excluded.stock_multiple, pass_lifetime_ms = excluded.pass_lifetime_ms,
           require_sign_in = excluded.require_sign_in, proof_of_work = excluded.proof_of_work,
           admissions_paused = excluded.admissions_paused`,
      ),
      heldTicket: db.prepare<[number, string], TicketRow>(
        'SELECT kind, n FROM queue_buyers WHERE product_id = ? AND buyer_id = ?',
      ),
      // A pre-queue join after the draw counts as an open one: `drawn_count` is read in the same
      // statement that counts, so no join slips in between the draw and the counter.
      countTicket: db.prepare<[{ productId: number; pre: number }], QueueStateColumns>(
        `INSERT INTO queue_state (product_id, pre_queue_joined, open_joined) VALUES (@productId, @pre, 1 - @pre)
         ON CONFLICT (product_id) DO UPDATE SET
           pre_queue_joined = pre_queue_joined + (@pre AND drawn_count IS NULL),
           open_joined = open_joined + NOT (@pre AND drawn_count IS NULL)
         RETURNING ${STATE_COLUMNS}`,
      ),
      recordTicket: db.prepare<[number, string, QueueTicketKind, number]>(
        'INSERT INTO queue_buyers (product_id, buyer_id, kind, n) VALUES (?, ?, ?, ?)',
      ),
      progress: db.prepare<[number], QueueStateColumns>(
        `SELECT ${STATE_COLUMNS} FROM queue_state WHERE product_id = ?`,
      ),
      ensureState: db.prepare<[number]>(
        'INSERT INTO queue_state (product_id) VALUES (?) ON CONFLICT DO NOTHING',
      ),
      storeDraw: db.prepare<[Buffer | null, number]>(
        'UPDATE queue_state SET drawn_count = pre_queue_joined, drawn_order = ? WHERE product_id = ?',
      ),
      drawnOrder: db.prepare<[number], { drawn_order: Buffer | null }>(
        'SELECT drawn_order FROM queue_state WHERE product_id = ?',
      ),
      moveCursor: db.prepare<[number, number, number, number]>(
        'UPDATE queue_state SET admitted = ?, last_admitted_at_ms = ? WHERE product_id = ? AND admitted = ?',
      ),
      recordStep: db.prepare<[number, number, number]>(
        'INSERT INTO queue_admissions (product_id, through, at_ms) VALUES (?, ?, ?)',
      ),
      admittedAt: db.prepare<[number, number], { at_ms: number }>(
        'SELECT at_ms FROM queue_admissions WHERE product_id = ? AND through >= ? ORDER BY through LIMIT 1',
      ),
      admittedAsOf: db.prepare<[number, number], { through: number | null }>(
        'SELECT max(through) AS through FROM queue_admissions WHERE product_id = ? AND at_ms <= ?',
      ),
      claimPass: db.prepare<[number, number, string]>(
        'INSERT INTO queue_pass_claims (product_id, position, claim_key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      ),
      passHolder: db.prepare<[number, number], { claim_key: string }>(
        'SELECT claim_key FROM queue_pass_claims WHERE product_id = ? AND position = ?',
      ),
      releasePass: db.prepare<[number, number, string]>(
        'DELETE FROM queue_pass_claims WHERE product_id = ? AND position = ? AND claim_key = ?',
      ),
      passesClaimed: db.prepare<[number, number], { n: number }>(
        'SELECT count(*) AS n FROM queue_pass_claims WHERE product_id = ? AND position > ?',
      ),
      lead: db.prepare<[{ productId: number; holder: string; nowMs: number; untilMs: number }]>(
        `INSERT INTO queue_leases (product_id, holder, until_ms) VALUES (@productId, @holder, @untilMs)
         ON CONFLICT (product_id) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms
         WHERE holder = excluded.holder OR until_ms <= @nowMs`,
      ),
      pruneChallenges: db.prepare<[number]>('DELETE FROM queue_challenges WHERE expires_at_ms <= ?'),
      spendChallenge: db.prepare<[string, number]>(
        'INSERT INTO queue_challenges (id, expires_at_ms) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
    };
  }

  async listSettings(): Promise<QueueSettingsRecord[]> {
    return this.database.read(() => this.statements.listSettings.all()).map(toSettings);
  }

  async settings(productId: number): Promise<QueueSettingsRecord | undefined> {
    const row = this.database.read(() => this.statements.settings.get(productId));
    return row && toSettings(row);
  }

  async saveSettings(settings: QueueSettingsRecord): Promise<QueueSettingsRecord> {
    await this.database.write(() => this.statements.saveSettings.run(settingsParams(settings)));
    return { ...settings };
  }

  /**
   * Joins arriving together are counted in one write transaction, each in arrival order as if
   * alone: a commit is an fsync (≈ 3 ms here), so one each would cap a crowd at a few hundred
   * joins a second and hold the event loop for every one.
   */
  join(productId: number, buyerId: string | null, preQueue: boolean): Promise<QueueTicketRecord> {
    return this.joins.enqueue({ productId, buyerId, preQueue });
  }

  /** Queued joins are counted and answered before the connection goes (see the store's close). */
  drained(): Promise<void> {
    return this.joins.drained();
  }

  private joinNow({ productId, buyerId, preQueue }: JoinCommand): QueueTicketRecord {
    const s = this.statements;
    const held = buyerId === null ? undefined : s.heldTicket.get(productId, buyerId);
    if (held) return { kind: held.kind, n: held.n, existing: true };
    const state = s.countTicket.get({ productId, pre: preQueue ? 1 : 0 });
    if (!state) throw new Error('INSERT … RETURNING gave no row');
    const ticket: QueueTicketRecord =
      preQueue && state.drawn_count === null
        ? { kind: 'pre', n: state.pre_queue_joined, existing: false }
        : { kind: 'open', n: state.open_joined, existing: false };
    if (buyerId !== null) s.recordTicket.run(productId, buyerId, ticket.kind, ticket.n);
    return ticket;
  }

  async progress(productId: number): Promise<QueueProgressRecord> {
    return queueProgressFromRow(this.database.read(() => this.statements.progress.get(productId)));
  }

  draw(productId: number, order: Uint32Array | null): Promise<QueueDrawResult> {
    const s = this.statements;
    // Encoded before the lock is taken: the transaction only compares and stores.
    const bytes = order && encodeDrawnOrder(order);
    return this.database.write((): QueueDrawResult => {
      s.ensureState.run(productId);
      const { preQueueJoined: joined, drawnCount } = queueProgressFromRow(s.progress.get(productId));
      if (drawnCount !== null) return { status: 'drawn', drawnCount };
      if (order !== null && order.length !== joined) return { status: 'stale', preQueueJoined: joined };
      s.storeDraw.run(bytes, productId);
      return { status: 'drawn', drawnCount: joined };
    });
  }

  async drawnOrder(productId: number): Promise<Uint32Array | null> {
    const row = this.database.read(() => this.statements.drawnOrder.get(productId));
    return row?.drawn_order ? decodeDrawnOrder(row.drawn_order) : null;
  }

  async admit(productId: number, expected: number, through: number, atMs: number): Promise<boolean> {
    if (through <= expected) return false;
    const s = this.statements;
    return this.database.write(() => {
      s.ensureState.run(productId);
      if (s.moveCursor.run(through, atMs, productId, expected).changes === 0) return false;
      s.recordStep.run(productId, through, atMs);
      return true;
    });
  }

  async admittedAt(productId: number, position: number): Promise<number | null> {
    return this.database.read(() => this.statements.admittedAt.get(productId, position))?.at_ms ?? null;
  }

  async admittedAsOf(productId: number, atMs: number): Promise<number> {
    return this.database.read(() => this.statements.admittedAsOf.get(productId, atMs))?.through ?? 0;
  }

  claimPass(productId: number, position: number, claimKey: string): Promise<PassClaimResult> {
    const s = this.statements;
    return this.database.write((): PassClaimResult => {
      if (s.claimPass.run(productId, position, claimKey).changes === 1) return 'claimed';
      return s.passHolder.get(productId, position)?.claim_key === claimKey ? 'same' : 'taken';
    });
  }

  async releasePass(productId: number, position: number, claimKey: string): Promise<void> {
    await this.database.write(() => this.statements.releasePass.run(productId, position, claimKey));
  }

  async passesClaimed(productId: number, afterPosition: number): Promise<number> {
    return this.database.read(() => this.statements.passesClaimed.get(productId, afterPosition))?.n ?? 0;
  }

  async lead(productId: number, holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const params = { productId, holder, nowMs, untilMs: nowMs + leaseMs };
    const { changes } = await this.database.write(() => this.statements.lead.run(params));
    return changes === 1;
  }

  spendChallenge(challengeId: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const s = this.statements;
    const prune = nowMs >= this.nextPruneAtMs;
    if (prune) this.nextPruneAtMs = nowMs + CHALLENGE_PRUNE_INTERVAL_MS;
    return this.database.write(() => {
      if (prune) s.pruneChallenges.run(nowMs);
      return s.spendChallenge.run(challengeId, expiresAtMs).changes === 1;
    });
  }

  sharedSecret(name: string, candidate: string): Promise<string> {
    return this.secrets.secret(name, candidate);
  }
}
