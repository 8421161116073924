export interface BuyerRecord {
  id: string;
  /** Stored as `normalizeEmail` gives it; unique. */
  email: string;
  /** Self-describing hash string (algorithm, parameters, salt, hash). */
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
}

/** The one spelling of an address that accounts are stored and looked up by. */
export const normalizeEmail = (email: string): string => email.toLowerCase();

/** Buyer accounts. Emails are compared as `normalizeEmail` gives them. */
export interface BuyerStore {
  /** False (and nothing stored) when the email is taken. */
  create(buyer: BuyerRecord): Promise<boolean>;
  findByEmail(email: string): Promise<BuyerRecord | undefined>;
}

/** Injection token of the port. */
export const BuyerStore = Symbol('BuyerStore');
