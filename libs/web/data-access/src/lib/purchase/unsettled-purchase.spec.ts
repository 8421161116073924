import { TestBed } from '@angular/core/testing';
import { problem } from '../../testing';
import { SESSION_STORAGE } from '../auth/buyer-session';
import type { PurchaseAttempt, PurchaseOutcome, PurchaseOutcomeKind } from './purchase-outcome';
import { answerCertainty, AnswerCertainty, unsettledAfter, UnsettledPurchases } from './unsettled-purchase';

const attempt = (key: string, quantity = 1, productId = 1): PurchaseAttempt => ({
  request: { productId, quantity },
  idempotencyKey: key,
});

const server = (made: 'NOT_MADE' | 'UNKNOWN' | null): PurchaseOutcome => ({
  kind: 'server',
  status: 503,
  made,
  retryAfterSeconds: 2,
  problem: null,
});

const p = (code: string) => problem(409, code);

/** One outcome of every kind, and what it says of the attempt it answered. */
const CASES: [string, PurchaseOutcome, AnswerCertainty][] = [
  ['network (the answer was lost)', { kind: 'network' }, 'unknown'],
  ['503 UNKNOWN', server('UNKNOWN'), 'unknown'],
  ['a 5xx that does not say (500, a proxy page)', server(null), 'unknown'],
  ['the key still being decided', { kind: 'in-progress', problem: p('IDEMPOTENCY_KEY_IN_USE') }, 'unknown'],
  ['a sale', { kind: 'success', result: { orderId: 'o', productId: 1, quantity: 1, remaining: 9 } }, 'known'],
  ['sold out', { kind: 'sold-out', problem: p('SOLD_OUT') }, 'known'],
  [
    'not enough left',
    { kind: 'insufficient-stock', requested: 2, available: 1, problem: p('INSUFFICIENT_STOCK') },
    'known',
  ],
  ['no such product', { kind: 'not-found', problem: p('PRODUCT_NOT_FOUND') }, 'known'],
  ['not started', { kind: 'not-started', startsAt: null, problem: p('NOT_STARTED') }, 'known'],
  ['ended', { kind: 'ended', endsAt: null, problem: p('ENDED') }, 'known'],
  ['paused', { kind: 'paused', problem: p('PAUSED') }, 'known'],
  [
    'limit reached',
    { kind: 'limit-reached', requested: 1, limit: 2, bought: 2, problem: p('LIMIT_REACHED') },
    'known',
  ],
  ['sign in first', { kind: 'auth-required', problem: p('AUTH_REQUIRED') }, 'known'],
  [
    'key used with another body',
    { kind: 'idempotency-mismatch', problem: p('IDEMPOTENCY_KEY_MISMATCH') },
    'known',
  ],
  ['invalid', { kind: 'invalid', errors: [], problem: null }, 'known'],
  ['an unknown 4xx code', { kind: 'unknown', status: 409, problem: p('SOMETHING_NEW') }, 'known'],
  ['429 (refused before the store)', { kind: 'rate-limited', retryAfterSeconds: 5, problem: null }, 'untold'],
  ['a refused token (before the store)', { kind: 'unauthorized', problem: p('UNAUTHORIZED') }, 'untold'],
  // Never ran: this sending bought nothing, yet the key was not looked up either.
  ['503 NOT_MADE', server('NOT_MADE'), 'untold'],
  ...(['required', 'expired', 'invalid', 'used'] as const).map(
    (reason): [string, PurchaseOutcome, AnswerCertainty] => [
      `the waiting room's pass ${reason} (checked before the store)`,
      { kind: 'queue-pass', reason, problem: problem(403, `QUEUE_PASS_${reason.toUpperCase()}`) },
      'untold',
    ],
  ),
];

describe('answerCertainty', () => {
  it.each(CASES)('%s → %s', (_, outcome, certainty) => {
    expect(answerCertainty(outcome)).toBe(certainty);
  });

  it('has a case for every outcome kind', () => {
    const kinds: Record<PurchaseOutcomeKind, true> = {
      success: true,
      'sold-out': true,
      'insufficient-stock': true,
      'not-found': true,
      'not-started': true,
      ended: true,
      paused: true,
      'limit-reached': true,
      'auth-required': true,
      unauthorized: true,
      'queue-pass': true,
      'rate-limited': true,
      'idempotency-mismatch': true,
      'in-progress': true,
      invalid: true,
      network: true,
      server: true,
      unknown: true,
    };
    expect(new Set(CASES.map(([, o]) => o.kind))).toEqual(new Set(Object.keys(kinds)));
  });
});

describe('unsettledAfter: the key reuse rule', () => {
  const first = attempt('key-1', 2);
  const lost: PurchaseOutcome = { kind: 'network' };
  const ofKind = (kind: PurchaseOutcome['kind']) =>
    CASES.find(([, o]) => o.kind === kind)?.[1] as PurchaseOutcome;
  const sold = ofKind('success');
  const soldOut = ofKind('sold-out');

  it('an unknown answer makes the attempt the one every retry re-sends', () => {
    expect(unsettledAfter(null, first, lost)).toBe(first);
    expect(unsettledAfter(null, first, server('UNKNOWN'))).toBe(first);
  });

  it('a known answer to that key settles it: only then may a new key be used', () => {
    expect(unsettledAfter(first, first, sold)).toBeNull();
    expect(unsettledAfter(first, first, soldOut)).toBeNull();
  });

  it('an answer that came before the store (429, refused token, pass, NOT_MADE) leaves it unsettled', () => {
    const untold = CASES.filter(([, , certainty]) => certainty === 'untold');
    expect(untold).toHaveLength(7);
    for (const [, outcome] of untold) {
      expect(unsettledAfter(first, first, outcome)).toBe(first);
      expect(unsettledAfter(null, attempt('key-2'), outcome)).toBeNull();
    }
  });

  it('an unknown answer to the re-sent attempt keeps it; a known answer to another key does not settle it', () => {
    expect(unsettledAfter(first, first, lost)).toBe(first);
    expect(unsettledAfter(first, attempt('key-2'), sold)).toBe(first);
  });
});

describe('UnsettledPurchases', () => {
  let storage: Storage;

  beforeEach(() => {
    storage = window.sessionStorage;
    storage.clear();
  });

  afterEach(() => {
    TestBed.resetTestingModule();
    storage.clear();
  });

  function create(store: Storage | null = storage): UnsettledPurchases {
    TestBed.configureTestingModule({ providers: [{ provide: SESSION_STORAGE, useValue: store }] });
    return TestBed.inject(UnsettledPurchases);
  }

  it('keeps an attempt per drop and buyer, in sessionStorage, so a reload re-sends the same one', () => {
    const purchases = create();
    purchases.set(1, null, attempt('key-1', 3));
    purchases.set(1, 'b-1', attempt('key-2'));
    expect(storage.getItem('gtd.unsettled-purchase:1:anonymous')).toBe(JSON.stringify(attempt('key-1', 3)));

    TestBed.resetTestingModule(); // a reload
    const reloaded = create();
    expect(reloaded.find(1, null)).toEqual(attempt('key-1', 3));
    expect(reloaded.find(1, 'b-1')).toEqual(attempt('key-2'));
    expect(reloaded.find(1, 'b-2')).toBeNull();
    expect(reloaded.find(2, null)).toBeNull();

    reloaded.set(1, null, null);
    expect(reloaded.find(1, null)).toBeNull();
    expect(storage.getItem('gtd.unsettled-purchase:1:anonymous')).toBeNull();
  });

  it('ignores what it cannot read (another product, bad JSON, no key)', () => {
    storage.setItem('gtd.unsettled-purchase:1:anonymous', JSON.stringify(attempt('key-1', 1, 2)));
    storage.setItem('gtd.unsettled-purchase:2:anonymous', '{not json');
    storage.setItem('gtd.unsettled-purchase:3:anonymous', JSON.stringify(attempt('', 1, 3)));
    const purchases = create();
    expect(purchases.find(1, null)).toBeNull();
    expect(purchases.find(2, null)).toBeNull();
    expect(purchases.find(3, null)).toBeNull();
  });

  it('without storage, or with storage that throws, lasts as long as the page', () => {
    const broken = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {
        throw new Error('SecurityError');
      },
    } as unknown as Storage;
    for (const store of [null, broken]) {
      TestBed.resetTestingModule();
      const purchases = create(store);
      purchases.set(1, null, attempt('key-1'));
      expect(purchases.find(1, null)).toEqual(attempt('key-1'));
      purchases.set(1, null, null);
      expect(purchases.find(1, null)).toBeNull();
    }
  });
});
