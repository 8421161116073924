/**
 * The door's port: the one key every instance signs tickets with, and each order's check-in. A
 * ticket is a signed token (see libs/api/tickets), so the store holds nothing per ticket until it
 * is scanned; then one row, written by the first scan only, whichever instance or scanner takes it.
 */

/** A ticket's admission at the door. */
export interface CheckInRecord {
  orderId: string;
  /** Who scanned it (the scanner's name, as the operator sent it). */
  scanner: string;
  /** Epoch milliseconds. */
  atMs: number;
}

export type CheckInResult =
  /** This scan admitted the ticket. */
  | { status: 'admitted'; checkIn: CheckInRecord }
  /** An earlier scan did: `checkIn` is that one, not this. */
  | { status: 'already'; checkIn: CheckInRecord };

export interface TicketStore {
  /**
   * The signing key stored, storing `candidate` first if there is none: every instance agrees on
   * the first key any of them offered. Kept in the durable store of the kind (PostgreSQL for
   * `STORE=redis`), since a lost key would void every ticket already handed out.
   */
  signingKey(candidate: string): Promise<string>;
  /** Admits `orderId` once, atomically: among any number of concurrent scans, one is `admitted`. */
  checkIn(orderId: string, scanner: string, atMs: number): Promise<CheckInResult>;
  /** The order's check-in, if it has been scanned. */
  checkInOf(orderId: string): Promise<CheckInRecord | undefined>;
}

/** Injection token of the port. */
export const TicketStore = Symbol('TicketStore');

/** The name the signing key is stored under (among the kind's shared secrets, where it has them). */
export const TICKET_SIGNING_KEY_NAME = 'ticket-signing-key';
