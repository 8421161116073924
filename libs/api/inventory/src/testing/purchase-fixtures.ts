import { setTimeout as sleep } from 'node:timers/promises';
import { CancelOutcome, PurchaseCommand, PurchaseOutcome } from '../lib/inventory-store';
import { idempotencyScope } from '../lib/purchase-rules';

/** The anonymous client the store specs buy from, unless a command names another scope. */
export const SPEC_CLIENT = '203.0.113.10';

export type Sold = Extract<PurchaseOutcome, { ok: true }>;
export type Cancelled = Extract<CancelOutcome, { ok: true }>;

/**
 * One purchase as PurchaseService hands it to a store: keyless and anonymous unless `extra` says
 * otherwise, a key scoped as the service scopes it (the buyer's, else SPEC_CLIENT's), decided now.
 */
export const purchaseCommand = (
  productId: number,
  quantity: number,
  extra: Partial<PurchaseCommand> = {},
): PurchaseCommand => ({
  productId,
  quantity,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: idempotencyScope(extra.buyerId ?? null, SPEC_CLIENT),
  nowMs: Date.now(),
  ...extra,
});

export function expectSold(outcome: PurchaseOutcome): Sold {
  expect(outcome).toMatchObject({ ok: true });
  return outcome as Sold;
}

export function expectCancelled(outcome: CancelOutcome): Cancelled {
  expect(outcome).toMatchObject({ ok: true });
  return outcome as Cancelled;
}

/**
 * Polls `condition` every 50 ms for up to 15 s (a background mover — the Redis persister — on a
 * busy CI machine); a condition that throws counts as not yet, and its last error is told.
 */
export async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  let lastError: unknown;
  for (let i = 0; i < 300; i++) {
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(50);
  }
  throw new Error(`Timed out waiting for ${what}${lastError === undefined ? '' : `: ${String(lastError)}`}`);
}
