import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from '@gtd/api-platform';
import { DropRules } from './inventory-store';
import { purchaseRefusal, purchaseRefused, quantityOverMaximum } from './purchase-errors';
import { PurchaseRejection } from './purchase-rules';

const OPENS = '2030-01-01T10:00:00.000Z';
const CLOSES = '2030-01-01T12:00:00.000Z';
const rules: DropRules = {
  startsAtMs: Date.parse(OPENS),
  endsAtMs: Date.parse(CLOSES),
  paused: false,
  perBuyerLimit: 2,
};

/** A refusal as the store answers it for product 1, asked for 3. */
const refused = (code: PurchaseRejection['code'], more: Partial<PurchaseRejection> = {}) =>
  ({ ok: false, code, available: 5, ...more }) as PurchaseRejection;

/** Each `detail` is part of the HTTP contract: buyers read these sentences. */
describe('purchaseRefused', () => {
  it.each<[PurchaseRejection, string, DomainError['extensions']]>([
    [refused(ErrorCode.ProductNotFound, { available: 0 }), 'No product 1.', { productId: 1 }],
    [refused(ErrorCode.SoldOut, { available: 0 }), 'Product 1 is sold out.', { productId: 1, available: 0 }],
    [
      refused(ErrorCode.InsufficientStock, { available: 2 }),
      'Only 2 of product 1 left; asked for 3. Nothing was sold.',
      { productId: 1, available: 2 },
    ],
    [
      refused(ErrorCode.NotStarted, { rules }),
      `Product 1 goes on sale at ${OPENS}.`,
      { productId: 1, startsAt: OPENS },
    ],
    [refused(ErrorCode.NotStarted), 'Product 1 is not on sale yet.', { productId: 1, startsAt: undefined }],
    [
      refused(ErrorCode.Ended, { rules }),
      `The drop of product 1 ended at ${CLOSES}.`,
      { productId: 1, endsAt: CLOSES },
    ],
    [refused(ErrorCode.Ended), 'The drop of product 1 ended.', { productId: 1, endsAt: undefined }],
    [refused(ErrorCode.Paused), 'The drop of product 1 is paused; try again later.', { productId: 1 }],
    [refused(ErrorCode.AuthRequired), 'Product 1 is limited per buyer: sign in to buy it.', { productId: 1 }],
    [
      refused(ErrorCode.LimitReached, { bought: 2, rules }),
      'You already hold 2 of product 1 (limit 2 per buyer); 3 more would exceed the limit. Nothing was sold.',
      { productId: 1, limit: 2, bought: 2 },
    ],
    [
      refused(ErrorCode.LimitReached),
      'You already hold the most of product 1; 3 more would exceed the limit. Nothing was sold.',
      { productId: 1, limit: undefined, bought: undefined },
    ],
    [
      refused(ErrorCode.IdempotencyKeyMismatch),
      'This Idempotency-Key was first used with a different product or quantity; use a new key for a new purchase.',
      { productId: 1 },
    ],
  ])('%j → its detail', (outcome, detail, extensions) => {
    const error = purchaseRefused(outcome, 1, 3);
    expect(error).toBeInstanceOf(DomainError);
    expect({ code: error.code, detail: error.message, extensions: error.extensions }).toEqual({
      code: outcome.code,
      detail,
      extensions,
    });
  });
});

describe('purchaseRefusal', () => {
  it('is one prepared object per product state, answered again without being rebuilt', () => {
    const soldOut = purchaseRefusal(refused(ErrorCode.SoldOut, { available: 0 }), 1, 3);
    expect(purchaseRefusal(refused(ErrorCode.SoldOut, { available: 0 }), 1, 1)).toBe(soldOut);
    expect(Object.isFrozen(soldOut)).toBe(true);
    expect(purchaseRefusal(refused(ErrorCode.SoldOut, { available: 0 }), 2, 3)).not.toBe(soldOut);
    const paused = purchaseRefusal(refused(ErrorCode.Paused), 1, 3);
    expect(purchaseRefusal(refused(ErrorCode.Paused), 1, 3)).toBe(paused);
  });

  it('follows a rescheduled drop: another opening is another answer', () => {
    const first = purchaseRefusal(refused(ErrorCode.NotStarted, { rules }), 1, 3);
    expect(purchaseRefusal(refused(ErrorCode.NotStarted, { rules }), 1, 3)).toBe(first);
    const later = { ...rules, startsAtMs: Date.parse(OPENS) + 60_000 };
    const moved = purchaseRefusal(refused(ErrorCode.NotStarted, { rules: later }), 1, 3);
    expect(moved.message).toBe('Product 1 goes on sale at 2030-01-01T10:01:00.000Z.');
  });

  it('builds answers that name the attempt (quantity, holding) per attempt', () => {
    const short = refused(ErrorCode.InsufficientStock, { available: 2 });
    expect(purchaseRefusal(short, 1, 3).message).toContain('asked for 3');
    expect(purchaseRefusal(short, 1, 4).message).toContain('asked for 4');
  });

  it('carries what the thrown DomainError carries', () => {
    const outcome = refused(ErrorCode.Ended, { rules });
    const { code, message, extensions } = purchaseRefused(outcome, 1, 3);
    expect(purchaseRefusal(outcome, 1, 3)).toEqual({ code, message, extensions });
  });
});

describe('quantityOverMaximum', () => {
  it('names the field and the configured maximum', () => {
    expect(quantityOverMaximum(10)).toMatchObject({
      code: ErrorCode.ValidationFailed,
      extensions: { errors: [{ field: 'quantity', messages: ['quantity must not be greater than 10'] }] },
    });
  });
});
