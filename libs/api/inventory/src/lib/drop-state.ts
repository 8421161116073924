import { DropState, ErrorCode } from '@gtd/shared-contracts';
import { InventorySnapshot } from './inventory-store';
import { scheduleRejectionCode } from './purchase-rules';

/** The state each schedule rejection shows as: one precedence for what the poll says and what a purchase gets. */
const SCHEDULE_STATES = {
  [ErrorCode.Paused]: 'paused',
  [ErrorCode.NotStarted]: 'upcoming',
  [ErrorCode.Ended]: 'ended',
} as const satisfies Record<NonNullable<ReturnType<typeof scheduleRejectionCode>>, DropState>;

/**
 * A drop's state at `nowMs`. Precedence: paused > upcoming > ended > sold out > live — an operator's
 * pause says more than the schedule, and a drop that has not opened is "upcoming" even with stock 0.
 */
export function deriveDropState(drop: InventorySnapshot, nowMs: number): DropState {
  const scheduleCode = scheduleRejectionCode(drop, nowMs);
  if (scheduleCode) return SCHEDULE_STATES[scheduleCode];
  return drop.available === 0 ? 'sold_out' : 'live';
}
