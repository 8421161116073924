import { DropState } from '@gtd/shared-contracts';
import { InventorySnapshot } from './inventory-store';

/**
 * A drop's state at `nowMs`. Precedence: paused > upcoming > ended > sold out > live — an operator's
 * pause says more than the schedule, and a drop that has not opened is "upcoming" even with stock 0.
 */
export function deriveDropState(drop: InventorySnapshot, nowMs: number): DropState {
  if (drop.paused) return 'paused';
  if (drop.startsAtMs !== null && nowMs < drop.startsAtMs) return 'upcoming';
  if (drop.endsAtMs !== null && nowMs >= drop.endsAtMs) return 'ended';
  if (drop.available === 0) return 'sold_out';
  return 'live';
}
