import type Redis from 'ioredis';
import {
  PassClaimResult,
  QueueDrawResult,
  QueueProgressRecord,
  QueueSettingsRecord,
  QueueStore,
  QueueTicketKind,
  QueueTicketRecord,
} from '../../queue-store';
import { decodeDrawnOrder, encodeDrawnOrder } from '../queue-rows';
import { RedisConnection } from './redis-connection';
import { assertWritable, withRedisFaults } from './redis-faults';
import { KEY_GRACE_MS } from './redis-gate';
import {
  QUEUE_ADMIT_LUA,
  QUEUE_ADMITTED_AS_OF_LUA,
  QUEUE_CLAIM_LUA,
  QUEUE_DRAW_LUA,
  QUEUE_JOIN_LUA,
  QUEUE_LEAD_LUA,
  QUEUE_RELEASE_LUA,
  QueueKeys,
} from './redis-queue-scripts';

interface RedisWithQueueScripts extends Redis {
  queueJoin(state: string, buyers: string, buyerId: string, preQueue: string): Promise<[string, number]>;
  queueDraw(
    state: string,
    order: string,
    kind: 'fifo' | 'order',
    bytes: Buffer | '',
  ): Promise<[string, number]>;
  queueAdmit(
    state: string,
    byThrough: string,
    byTime: string,
    expected: number,
    through: number,
    atMs: number,
  ): Promise<number>;
  queueAdmittedAsOf(byTime: string, atMs: number): Promise<number>;
  queueClaim(claims: string, claimed: string, position: number, claimKey: string): Promise<PassClaimResult>;
  queueRelease(claims: string, claimed: string, position: number, claimKey: string): Promise<number>;
  queueLead(lease: string, holder: string, nowMs: number, untilMs: number, expiryMs: number): Promise<number>;
}

/** The settings as stored: every field named, so a caller's extra properties never reach Redis. */
function encodeSettings(s: QueueSettingsRecord): string {
  const stored: QueueSettingsRecord = {
    productId: s.productId,
    enabled: s.enabled,
    preQueueOpensAtMs: s.preQueueOpensAtMs,
    order: s.order,
    admissionsPerMinute: s.admissionsPerMinute,
    stockMultiple: s.stockMultiple,
    passLifetimeMs: s.passLifetimeMs,
    requireSignIn: s.requireSignIn,
    proofOfWork: s.proofOfWork,
    admissionsPaused: s.admissionsPaused,
  };
  return JSON.stringify(stored);
}

const decodeSettings = (json: string): QueueSettingsRecord => JSON.parse(json) as QueueSettingsRecord;

/** "kind:n", as the join script stores a buyer's ticket. */
function decodeTicket(ticket: string, existing: boolean): QueueTicketRecord {
  const separator = ticket.indexOf(':');
  return {
    kind: ticket.slice(0, separator) as QueueTicketKind,
    n: Number(ticket.slice(separator + 1)),
    existing,
  };
}

const numberOrNull = (value: string | null) => (value === null ? null : Number(value));

/**
 * The waiting room in Redis, under the store's key prefix: shared by every API process on that
 * Redis. Unlike the inventory's keys it is not a cache of PostgreSQL, so no rebuild clears it.
 */
export class RedisQueueStore implements QueueStore {
  private readonly redis: RedisWithQueueScripts;

  constructor(connection: RedisConnection) {
    const redis: Redis = connection.redis;
    this.redis = redis as RedisWithQueueScripts;
    this.redis.defineCommand('queueJoin', { numberOfKeys: 2, lua: QUEUE_JOIN_LUA });
    this.redis.defineCommand('queueDraw', { numberOfKeys: 2, lua: QUEUE_DRAW_LUA });
    this.redis.defineCommand('queueAdmit', { numberOfKeys: 3, lua: QUEUE_ADMIT_LUA });
    this.redis.defineCommand('queueAdmittedAsOf', { numberOfKeys: 1, lua: QUEUE_ADMITTED_AS_OF_LUA });
    this.redis.defineCommand('queueClaim', { numberOfKeys: 2, lua: QUEUE_CLAIM_LUA });
    this.redis.defineCommand('queueRelease', { numberOfKeys: 2, lua: QUEUE_RELEASE_LUA });
    this.redis.defineCommand('queueLead', { numberOfKeys: 1, lua: QUEUE_LEAD_LUA });
  }

  /** A mutation: refused unsent while disconnected (see `assertWritable`), a fault a 503. */
  private write<T>(command: () => Promise<T>): Promise<T> {
    return withRedisFaults(() => {
      assertWritable(this.redis);
      return command();
    });
  }

  listSettings(): Promise<QueueSettingsRecord[]> {
    return withRedisFaults(async () => (await this.redis.hvals(QueueKeys.settings)).map(decodeSettings));
  }

  settings(productId: number): Promise<QueueSettingsRecord | undefined> {
    return withRedisFaults(async () => {
      const json = await this.redis.hget(QueueKeys.settings, String(productId));
      return json === null ? undefined : decodeSettings(json);
    });
  }

  saveSettings(settings: QueueSettingsRecord): Promise<QueueSettingsRecord> {
    return this.write(async () => {
      const json = encodeSettings(settings);
      await this.redis.hset(QueueKeys.settings, String(settings.productId), json);
      return decodeSettings(json);
    });
  }

  join(productId: number, buyerId: string | null, preQueue: boolean): Promise<QueueTicketRecord> {
    return this.write(async () => {
      const [ticket, existing] = await this.redis.queueJoin(
        QueueKeys.state(productId),
        QueueKeys.buyers(productId),
        buyerId ?? '',
        preQueue ? '1' : '0',
      );
      return decodeTicket(ticket, existing === 1);
    });
  }

  progress(productId: number): Promise<QueueProgressRecord> {
    return withRedisFaults(async () => {
      const [pre, open, drawn, admitted, last] = await this.redis.hmget(
        QueueKeys.state(productId),
        'pre',
        'open',
        'drawn',
        'admitted',
        'last',
      );
      return {
        preQueueJoined: Number(pre ?? 0),
        openJoined: Number(open ?? 0),
        drawnCount: numberOrNull(drawn),
        admitted: Number(admitted ?? 0),
        lastAdmittedAtMs: numberOrNull(last),
      };
    });
  }

  draw(productId: number, order: Uint32Array | null): Promise<QueueDrawResult> {
    return this.write(async () => {
      const [status, count] = await this.redis.queueDraw(
        QueueKeys.state(productId),
        QueueKeys.order(productId),
        order === null ? 'fifo' : 'order',
        order === null ? '' : encodeDrawnOrder(order),
      );
      return status === 'drawn'
        ? { status: 'drawn', drawnCount: count }
        : { status: 'stale', preQueueJoined: count };
    });
  }

  drawnOrder(productId: number): Promise<Uint32Array | null> {
    return withRedisFaults(async () => {
      const bytes = await this.redis.getBuffer(QueueKeys.order(productId));
      return bytes === null ? null : decodeDrawnOrder(bytes);
    });
  }

  admit(productId: number, expected: number, through: number, atMs: number): Promise<boolean> {
    return this.write(
      async () =>
        (await this.redis.queueAdmit(
          QueueKeys.state(productId),
          QueueKeys.stepsByThrough(productId),
          QueueKeys.stepsByTime(productId),
          expected,
          through,
          atMs,
        )) === 1,
    );
  }

  admittedAt(productId: number, position: number): Promise<number | null> {
    return withRedisFaults(async () => {
      const [step] = await this.redis.zrangebyscore(
        QueueKeys.stepsByThrough(productId),
        position,
        '+inf',
        'LIMIT',
        0,
        1,
      );
      return step === undefined ? null : Number(step.slice(step.indexOf(':') + 1));
    });
  }

  admittedAsOf(productId: number, atMs: number): Promise<number> {
    return withRedisFaults(() => this.redis.queueAdmittedAsOf(QueueKeys.stepsByTime(productId), atMs));
  }

  claimPass(productId: number, position: number, claimKey: string): Promise<PassClaimResult> {
    return this.write(() =>
      this.redis.queueClaim(QueueKeys.claims(productId), QueueKeys.claimed(productId), position, claimKey),
    );
  }

  releasePass(productId: number, position: number, claimKey: string): Promise<void> {
    return this.write(async () => {
      await this.redis.queueRelease(
        QueueKeys.claims(productId),
        QueueKeys.claimed(productId),
        position,
        claimKey,
      );
    });
  }

  passesClaimed(productId: number, afterPosition: number): Promise<number> {
    return withRedisFaults(() =>
      this.redis.zcount(QueueKeys.claimed(productId), `(${afterPosition}`, '+inf'),
    );
  }

  lead(productId: number, holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
    return this.write(
      async () =>
        (await this.redis.queueLead(
          QueueKeys.lease(productId),
          holder,
          nowMs,
          nowMs + leaseMs,
          leaseMs + KEY_GRACE_MS,
        )) === 1,
    );
  }

  /**
   * Expiry is judged by the caller's clock (the challenge's signature is checked against it), so
   * the key outlives `expiresAtMs` by Redis's clock too: a replay is refused as long as it matters.
   */
  spendChallenge(challengeId: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    const lifetimeMs = Math.max(expiresAtMs - nowMs, 0) + KEY_GRACE_MS;
    return this.write(
      async () =>
        (await this.redis.set(QueueKeys.challenge(challengeId), '1', 'PX', lifetimeMs, 'NX')) === 'OK',
    );
  }

  /** SET NX GET: stores the candidate only where no secret is, and answers the one stored, in one step. */
  sharedSecret(name: string, candidate: string): Promise<string> {
    return this.write(async () => {
      const stored = await this.redis.set(QueueKeys.secret(name), candidate, 'NX', 'GET');
      return stored ?? candidate;
    });
  }
}
