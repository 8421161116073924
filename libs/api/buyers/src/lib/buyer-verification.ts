import type { BuyerRecord } from '@gtd/api-inventory';

/**
 * The seam where proof of a real person goes: every registration passes through it after the
 * account is stored and before its first session is issued.
 *
 * The per-buyer limit is only as strong as what a new account costs. Canonical emails make every
 * spelling of one inbox one account, but without a proof anyone may register made-up addresses:
 * `NO_VERIFICATION`, the default, proves nothing. A verifying implementation would send its
 * challenge here (a mailed link, a payment instrument's check) and record the proof; with it,
 * `BuyerRecord` gains a `verifiedAt`, the token a `verified` claim, and limited drops require it.
 */
export interface BuyerVerification {
  /** Names the step in the log and the README ('none'). */
  readonly kind: string;
  /**
   * Called once per new account. Resolving lets the registration answer its session; a thrown
   * DomainError is the registration's answer instead (the account stays stored, so signing in later
   * is the way back once the proof is given).
   */
  registered(buyer: Readonly<Pick<BuyerRecord, 'id' | 'email'>>): Promise<void>;
}

/** Injection token of the seam. */
export const BuyerVerification = Symbol('BuyerVerification');

/** Registration proves nothing beyond owning a password: the documented default. */
export const NO_VERIFICATION: BuyerVerification = Object.freeze({
  kind: 'none',
  registered: () => Promise.resolve(),
});
