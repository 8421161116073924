/**
 * Tickets that admit once at the door. A confirmed order's ticket is a compact JWS (RFC 7515) signed
 * with Ed25519 (`alg: EdDSA`, RFC 8037), so a door app verifies it offline with any JOSE library and
 * the public keys of `GET /tickets/keys`; the operator's check-in admits it once.
 */

/** The claims inside a ticket (the JWS payload). */
export interface TicketClaims {
  /** The order id. */
  sub: string;
  /** Always `gtd-ticket`. */
  aud: string;
  /** The product. */
  pid: number;
  /** Units the order admits. */
  qty: number;
  /** When it was sold (seconds since the epoch). */
  iat: number;
}

/** `GET /orders/{orderId}/ticket`: show `ticket` as a QR code; the door scans it. */
export interface OrderTicket {
  orderId: string;
  productId: number;
  quantity: number;
  /** The signed token (compact JWS). */
  ticket: string;
  /** The `kid` of the key that signed it (one of `GET /tickets/keys`). */
  keyId: string;
}

/** One public key, as a JSON Web Key (RFC 8037 OKP). */
export interface TicketPublicKey {
  kty: 'OKP';
  crv: 'Ed25519';
  /** The public key, base64url. */
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

/** `GET /tickets/keys`: a JWK Set. */
export interface TicketKeySet {
  keys: TicketPublicKey[];
}

/** Body of `POST /admin/check-ins`. */
export interface CheckInRequest {
  /** The scanned token. */
  ticket: string;
  /** Which scanner (door, device) scanned it: shown to every later scan of the same ticket. */
  scanner: string;
}

/** `POST /admin/check-ins` 200: the ticket admitted now. */
export interface CheckIn {
  orderId: string;
  productId: number;
  quantity: number;
  /** ISO 8601. */
  checkedInAt: string;
  scanner: string;
}

/** The audience every ticket names (a queue pass or a buyer token is never a ticket). */
export const TICKET_AUDIENCE = 'gtd-ticket';
