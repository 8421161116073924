import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, CLOCK, PurchaseDecision, QueueStore } from '@gtd/api-inventory';
import { DomainError } from '@gtd/api-platform';
import { ErrorCode } from '@gtd/shared-contracts';
import { passCheckUnavailable, passExpired, passInvalid, passRequired, passUsed } from './queue-errors';
import { QueueSettingsCache } from './queue-settings-cache';
import { PassClaims, QueueTokens } from './queue-tokens';

/** One purchase let through the waiting room: what to record once the store has decided it. */
export interface AdmittedPurchase {
  pass: PassClaims;
  /** Who holds the pass's claim: an anonymous pass is claimed before the purchase, a named one after. */
  claimKey: string;
  claimedBefore: boolean;
}

/**
 * The waiting room's check on `POST /buy`, before the store is touched. A drop without a queue
 * costs one map lookup. A drop with one needs a pass of that drop, unexpired, naming this buyer if
 * it names anyone — all checked from the signed pass alone. An anonymous pass buys once: it is
 * claimed in the store (by the attempt's idempotency key, so a retry of the same attempt passes)
 * and given back when the store refused the purchase, which changed nothing.
 */
@Injectable()
export class QueuePassGate {
  private readonly logger = new Logger('Queue');

  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly settings: QueueSettingsCache,
    private readonly tokens: QueueTokens,
  ) {}

  /** Whether purchases of the drop go through its waiting room (synchronous: the hot path asks). */
  requiresPass(productId: number): boolean {
    return this.settings.enabled(productId) !== undefined;
  }

  /** The admitted purchase, or the refusal thrown when the pass does not let the buyer in. */
  async admit(
    productId: number,
    passHeader: string | undefined,
    buyerId: string | null,
    idempotencyKey: string | null,
  ): Promise<AdmittedPurchase> {
    if (passHeader === undefined || passHeader === '') throw passRequired(productId);
    const check = this.tokens.verifyPass(passHeader, productId, this.clock.now());
    if (!check.ok) {
      throw check.reason === 'expired' ? passExpired(productId, check.expiresAtMs) : passInvalid(productId);
    }
    const { pass } = check;
    if (pass.buyerId !== null) {
      if (pass.buyerId !== buyerId) throw passInvalid(productId);
      return { pass, claimKey: `buyer:${pass.buyerId}`, claimedBefore: false };
    }
    const claimKey = idempotencyKey === null ? `attempt:${randomUUID()}` : `key:${idempotencyKey}`;
    let claim;
    try {
      claim = await this.store.claimPass(productId, pass.position, claimKey);
    } catch (fault) {
      this.logger.warn({ msg: 'Could not claim a pass', productId, err: fault });
      throw passCheckUnavailable();
    }
    if (claim === 'taken') throw passUsed(productId);
    return { pass, claimKey, claimedBefore: true };
  }

  /**
   * The purchase's decision, with the pass's use recorded on the side (the answer does not wait for
   * it): a sale on a named pass counts as its conversion; an anonymous claim is given back when the
   * purchase was refused without changing anything — by the store, or before it (a quantity over
   * the maximum) — and kept when the store did not answer, for the retry with the same key.
   */
  async settleWith(
    admitted: AdmittedPurchase,
    attempt: Promise<PurchaseDecision>,
  ): Promise<PurchaseDecision> {
    let decision: PurchaseDecision;
    try {
      decision = await attempt;
    } catch (error) {
      if (error instanceof DomainError && error.code !== ErrorCode.ServiceUnavailable)
        void this.settle(admitted, false);
      throw error;
    }
    void this.settle(admitted, decision.ok);
    return decision;
  }

  private async settle(admitted: AdmittedPurchase, sold: boolean): Promise<void> {
    const { pass, claimKey, claimedBefore } = admitted;
    try {
      if (sold && !claimedBefore) await this.store.claimPass(pass.productId, pass.position, claimKey);
      if (!sold && claimedBefore) await this.store.releasePass(pass.productId, pass.position, claimKey);
    } catch (error) {
      // Only the figures (and, for a refused anonymous attempt, the pass's second chance) suffer.
      this.logger.warn({ msg: 'Could not record a pass use', productId: pass.productId, err: error });
    }
  }
}
