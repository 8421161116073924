import { inject, Injectable, signal } from '@angular/core';
import { PurchaseFaultOutcome } from '@gtd/shared-contracts';
import { SESSION_STORAGE } from '../auth/buyer-session';
import type { PurchaseAttempt, PurchaseOutcome } from './purchase-outcome';

/**
 * What an answer says about the attempt it answered:
 * - `unknown`: it may have bought (no answer, a timeout, a 5xx that is not `NOT_MADE`, the key still
 *   being decided). Only the same attempt, with the same key, can find out without buying twice.
 * - `known`: the store decided it (a sale, possibly replayed, or a rejection). The server looks the
 *   key up before the store's other checks, so a rejection of a re-sent attempt also proves the
 *   first sending sold nothing.
 * - `untold`: this sending certainly bought nothing, but the key was never looked up, so it says
 *   nothing about an earlier sending of the same attempt and whatever was known before still holds:
 *   refused before the store was asked (429, a refused token, the waiting room's `QUEUE_PASS_*`,
 *   checked from the pass alone) or a store that never ran it (503 `NOT_MADE`: not connected, or a
 *   transaction that cannot have committed — the lookup of the key included). Settling an unknown
 *   attempt on one of these would let Buy now start a new key while the first may have sold.
 */
export type AnswerCertainty = 'unknown' | 'known' | 'untold';

export function answerCertainty(outcome: PurchaseOutcome): AnswerCertainty {
  switch (outcome.kind) {
    case 'network':
    case 'in-progress':
      return 'unknown';
    case 'server':
      return outcome.made === PurchaseFaultOutcome.NotMade ? 'untold' : 'unknown';
    case 'rate-limited':
    case 'unauthorized':
    case 'queue-pass':
      return 'untold';
    case 'success':
    case 'sold-out':
    case 'insufficient-stock':
    case 'not-found':
    case 'not-started':
    case 'ended':
    case 'paused':
    case 'limit-reached':
    case 'auth-required':
    case 'idempotency-mismatch':
    case 'invalid':
    case 'unknown':
      return 'known';
  }
}

/**
 * The attempt whose outcome is still unknown after `sent` was answered with `outcome`, given the
 * one that was unknown before (`held`): the rule that keeps Buy now from buying twice. An unknown
 * answer makes `sent` the one to re-send; a known answer to `held`'s key settles it; anything else
 * leaves `held` as it was.
 */
export function unsettledAfter(
  held: PurchaseAttempt | null,
  sent: PurchaseAttempt,
  outcome: PurchaseOutcome,
): PurchaseAttempt | null {
  switch (answerCertainty(outcome)) {
    case 'unknown':
      return sent;
    case 'untold':
      return held;
    case 'known':
      return held?.idempotencyKey === sent.idempotencyKey ? null : held;
  }
}

const STORAGE_PREFIX = 'gtd.unsettled-purchase';

function storageKey(productId: number, buyerId: string | null): string {
  // A buyer id is a UUID, so it never reads "anonymous".
  return `${STORAGE_PREFIX}:${productId}:${buyerId ?? 'anonymous'}`;
}

function isAttemptFor(value: unknown, productId: number): value is PurchaseAttempt {
  const v = value as Partial<PurchaseAttempt> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.idempotencyKey === 'string' &&
    v.idempotencyKey.length > 0 &&
    v.request?.productId === productId &&
    Number.isInteger(v.request.quantity) &&
    v.request.quantity > 0
  );
}

/**
 * The attempts whose outcome is unknown, one per drop and buyer (`null`: anonymous), kept in
 * `sessionStorage` so a reload of the drop page still re-sends the same attempt instead of a new
 * one. Per buyer because the server scopes keys per buyer (anonymous ones per address): re-sent
 * under another buyer, the key would be decided afresh and could buy again. Where storage is
 * unavailable it lasts as long as the page.
 */
@Injectable({ providedIn: 'root' })
export class UnsettledPurchases {
  private readonly storage = inject(SESSION_STORAGE);
  /** This page's word, over what storage holds (`null`: settled here, even if removing it failed). */
  private readonly memory = new Map<string, PurchaseAttempt | null>();
  private readonly changes = signal(0);

  /** The unknown attempt of `buyerId` on `productId`, or `null` (reactive: read it in a computed). */
  find(productId: number, buyerId: string | null): PurchaseAttempt | null {
    this.changes();
    const key = storageKey(productId, buyerId);
    if (this.memory.has(key)) {
      return this.memory.get(key) ?? null;
    }
    let stored: unknown = null;
    try {
      const raw = this.storage?.getItem(key) ?? null;
      stored = raw === null ? null : JSON.parse(raw);
    } catch {
      stored = null;
    }
    return isAttemptFor(stored, productId) ? stored : null;
  }

  /** Keeps `attempt` as the one to re-send for `buyerId`, or forgets it with `null`. */
  set(productId: number, buyerId: string | null, attempt: PurchaseAttempt | null): void {
    const key = storageKey(productId, buyerId);
    this.memory.set(key, attempt);
    try {
      if (attempt) {
        this.storage?.setItem(key, JSON.stringify(attempt));
      } else {
        this.storage?.removeItem(key);
      }
    } catch {
      // Full or blocked storage: this page still remembers it until it is reloaded.
    }
    this.changes.update((n) => n + 1);
  }
}
