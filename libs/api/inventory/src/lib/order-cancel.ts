import { ErrorCode } from '@gtd/shared-contracts';
import { CancelOutcome, OrderRecord } from './inventory-store';

/** The answers of `cancelOrder` that change nothing, shared by every adapter. */
export const CANCEL_ORDER_NOT_FOUND: CancelOutcome = Object.freeze({
  ok: false,
  code: ErrorCode.OrderNotFound,
});

export const alreadyCancelled = (order: OrderRecord): CancelOutcome => ({
  ok: false,
  code: ErrorCode.OrderAlreadyCancelled,
  order,
});
