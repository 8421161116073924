export interface BuyerRecord {
  id: string;
  /** The account's key (`canonicalEmail` in libs/api/buyers, or a legacy lower-cased one); unique. */
  email: string;
  /** Self-describing hash string (algorithm, parameters, salt, hash). */
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
}

/**
 * An email as accounts are keyed: made only by the buyers feature's canonicaliser (one rule for
 * registration, sign-in and the /auth limit), so a store compares keys exactly and never
 * applies a second, different normalisation of its own.
 */
export type EmailKey = string & { readonly __emailKey: unique symbol };

/** Buyer accounts, stored and found by their exact `EmailKey`. */
export interface BuyerStore {
  /** False (and nothing stored) when the key is taken. */
  create(buyer: BuyerRecord & { email: EmailKey }): Promise<boolean>;
  findByEmail(email: EmailKey): Promise<BuyerRecord | undefined>;
}

/** Injection token of the port. */
export const BuyerStore = Symbol('BuyerStore');
