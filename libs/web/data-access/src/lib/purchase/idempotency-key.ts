import { InjectionToken } from '@angular/core';

/**
 * A fresh `Idempotency-Key`: a random UUID (122 bits, so two attempts never collide).
 * `crypto.randomUUID` exists only in secure contexts (HTTPS, localhost); on a plain-HTTP address
 * the same v4 UUID is built from `crypto.getRandomValues`, which every context has.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Where purchase attempts get their keys (tests provide a predictable sequence). */
export const IDEMPOTENCY_KEY_FACTORY = new InjectionToken<() => string>('IDEMPOTENCY_KEY_FACTORY', {
  providedIn: 'root',
  factory: () => newIdempotencyKey,
});
