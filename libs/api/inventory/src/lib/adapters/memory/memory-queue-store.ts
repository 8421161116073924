import {
  PassClaimResult,
  QueueAdmissionStep,
  QueueDrawResult,
  QueueProgressRecord,
  QueueSettingsRecord,
  QueueStore,
  QueueTicketRecord,
} from '../../queue-store';

interface MemoryQueue {
  progress: QueueProgressRecord;
  drawnOrder: Uint32Array | null;
  /** Ascending in both `through` and `atMs`. */
  steps: QueueAdmissionStep[];
  buyers: Map<string, QueueTicketRecord>;
  /** position → the claim key that holds its pass. */
  claims: Map<number, string>;
  lease: { holder: string; untilMs: number } | null;
}

/** The first step whose `through` reaches `position` (steps ascend), or -1. */
function firstStepReaching(steps: readonly QueueAdmissionStep[], position: number): number {
  let low = 0;
  let high = steps.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (steps[middle].through >= position) high = middle;
    else low = middle + 1;
  }
  return low < steps.length ? low : -1;
}

/** The queue in process memory: every call is synchronous inside one event-loop turn, hence atomic. */
export class MemoryQueueStore implements QueueStore {
  private readonly settingsByProduct = new Map<number, QueueSettingsRecord>();
  private readonly queues = new Map<number, MemoryQueue>();
  private readonly spentChallenges = new Map<string, number>();
  private nextPruneAtMs = 0;
  private readonly secrets = new Map<string, string>();

  private queue(productId: number): MemoryQueue {
    let queue = this.queues.get(productId);
    if (!queue) {
      queue = {
        progress: { preQueueJoined: 0, openJoined: 0, drawnCount: null, admitted: 0, lastAdmittedAtMs: null },
        drawnOrder: null,
        steps: [],
        buyers: new Map(),
        claims: new Map(),
        lease: null,
      };
      this.queues.set(productId, queue);
    }
    return queue;
  }

  async listSettings(): Promise<QueueSettingsRecord[]> {
    return [...this.settingsByProduct.values()].map((s) => ({ ...s }));
  }

  async settings(productId: number): Promise<QueueSettingsRecord | undefined> {
    const settings = this.settingsByProduct.get(productId);
    return settings && { ...settings };
  }

  async saveSettings(settings: QueueSettingsRecord): Promise<QueueSettingsRecord> {
    this.settingsByProduct.set(settings.productId, { ...settings });
    return { ...settings };
  }

  async join(productId: number, buyerId: string | null, preQueue: boolean): Promise<QueueTicketRecord> {
    const queue = this.queue(productId);
    const held = buyerId === null ? undefined : queue.buyers.get(buyerId);
    if (held) return { ...held, existing: true };
    const { progress } = queue;
    const ticket: QueueTicketRecord =
      preQueue && progress.drawnCount === null
        ? { kind: 'pre', n: ++progress.preQueueJoined, existing: false }
        : { kind: 'open', n: ++progress.openJoined, existing: false };
    if (buyerId !== null) queue.buyers.set(buyerId, ticket);
    return { ...ticket };
  }

  async progress(productId: number): Promise<QueueProgressRecord> {
    return { ...this.queue(productId).progress };
  }

  async draw(productId: number, order: Uint32Array | null): Promise<QueueDrawResult> {
    const queue = this.queue(productId);
    const { progress } = queue;
    if (progress.drawnCount !== null) return { status: 'drawn', drawnCount: progress.drawnCount };
    if (order !== null && order.length !== progress.preQueueJoined)
      return { status: 'stale', preQueueJoined: progress.preQueueJoined };
    progress.drawnCount = progress.preQueueJoined;
    queue.drawnOrder = order && new Uint32Array(order);
    return { status: 'drawn', drawnCount: progress.drawnCount };
  }

  async drawnOrder(productId: number): Promise<Uint32Array | null> {
    const order = this.queue(productId).drawnOrder;
    return order && new Uint32Array(order);
  }

  async admit(productId: number, expected: number, through: number, atMs: number): Promise<boolean> {
    const queue = this.queue(productId);
    if (queue.progress.admitted !== expected || through <= expected) return false;
    queue.progress.admitted = through;
    queue.progress.lastAdmittedAtMs = atMs;
    queue.steps.push({ atMs, through });
    return true;
  }

  async admittedAt(productId: number, position: number): Promise<number | null> {
    const { steps } = this.queue(productId);
    const index = firstStepReaching(steps, position);
    return index < 0 ? null : steps[index].atMs;
  }

  async admittedAsOf(productId: number, atMs: number): Promise<number> {
    let through = 0;
    for (const step of this.queue(productId).steps) {
      if (step.atMs > atMs) break;
      through = step.through;
    }
    return through;
  }

  async claimPass(productId: number, position: number, claimKey: string): Promise<PassClaimResult> {
    const { claims } = this.queue(productId);
    const holder = claims.get(position);
    if (holder === undefined) {
      claims.set(position, claimKey);
      return 'claimed';
    }
    return holder === claimKey ? 'same' : 'taken';
  }

  async releasePass(productId: number, position: number, claimKey: string): Promise<void> {
    const { claims } = this.queue(productId);
    if (claims.get(position) === claimKey) claims.delete(position);
  }

  async passesClaimed(productId: number, afterPosition: number): Promise<number> {
    let count = 0;
    for (const position of this.queue(productId).claims.keys()) if (position > afterPosition) count++;
    return count;
  }

  async lead(productId: number, holder: string, nowMs: number, leaseMs: number): Promise<boolean> {
    const queue = this.queue(productId);
    const { lease } = queue;
    if (lease && lease.holder !== holder && lease.untilMs > nowMs) return false;
    queue.lease = { holder, untilMs: nowMs + leaseMs };
    return true;
  }

  async spendChallenge(challengeId: string, expiresAtMs: number, nowMs: number): Promise<boolean> {
    // Expired challenges are refused by their signature anyway; pruning once a second keeps a
    // crowd of joins from each walking the whole map.
    if (nowMs >= this.nextPruneAtMs) {
      this.nextPruneAtMs = nowMs + 1_000;
      for (const [id, expiry] of this.spentChallenges) if (expiry <= nowMs) this.spentChallenges.delete(id);
    }
    if (this.spentChallenges.has(challengeId)) return false;
    this.spentChallenges.set(challengeId, expiresAtMs);
    return true;
  }

  async sharedSecret(name: string, candidate: string): Promise<string> {
    const stored = this.secrets.get(name);
    if (stored !== undefined) return stored;
    this.secrets.set(name, candidate);
    return candidate;
  }
}
