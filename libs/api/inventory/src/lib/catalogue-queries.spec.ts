import { DomainError } from '@gtd/api-platform';
import { DropState, ErrorCode } from '@gtd/shared-contracts';
import { FakeClock } from '@gtd/testing';
import { MemoryInventoryStore } from './adapters/memory/memory-inventory-store';
import { CatalogEntry } from './catalog';
import { CatalogueQueries } from './catalogue-queries';
import { deriveDropState } from './drop-state';
import { InventorySnapshot } from './inventory-store';
import { ProductMapper } from './product-mapping';
import { PurchaseService } from './purchase.service';
import { RejectionTally } from './rejection-tally';

const OPENS = '2030-01-01T10:00:00.000Z';
const CLOSES = '2030-01-01T12:00:00.000Z';
const BUYER = '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001';

const catalog: CatalogEntry[] = [
  { id: 1, name: 'Open', description: 'Always on', price: 1000, currency: 'EUR', stock: 5 },
  {
    id: 2,
    name: 'Scheduled',
    description: 'Opens at ten',
    price: 2000,
    currency: 'EUR',
    stock: 10,
    startsAt: OPENS,
    endsAt: CLOSES,
    perBuyerLimit: 2,
  },
];

/** The DomainError a call throws (fails the test if it resolves or throws something else). */
async function domainError(call: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

// The state every read shows (and the products controller's polls answer).
describe('deriveDropState', () => {
  const at = Date.parse(OPENS);
  const drop = (rules: Partial<InventorySnapshot>): InventorySnapshot => ({
    available: 3,
    startsAtMs: null,
    endsAtMs: null,
    paused: false,
    perBuyerLimit: null,
    ...rules,
  });

  it.each<[string, DropState, Partial<InventorySnapshot>, number]>([
    ['no rules, stock left', 'live', {}, at],
    ['nothing left', 'sold_out', { available: 0 }, at],
    ['1 ms before startsAt', 'upcoming', { startsAtMs: at }, at - 1],
    ['exactly at startsAt', 'live', { startsAtMs: at }, at],
    ['exactly at endsAt', 'ended', { endsAtMs: at }, at],
    ['1 ms before endsAt', 'live', { endsAtMs: at }, at - 1],
    ['paused over upcoming', 'paused', { paused: true, startsAtMs: at }, at - 1],
    ['paused over ended and sold out', 'paused', { paused: true, endsAtMs: at, available: 0 }, at],
    ['upcoming over sold out', 'upcoming', { startsAtMs: at, available: 0 }, at - 1],
    ['ended over sold out', 'ended', { endsAtMs: at, available: 0 }, at],
  ])('%s → %s', (_case, state, rules, nowMs) => {
    expect(deriveDropState(drop(rules), nowMs)).toBe(state);
  });
});

describe('CatalogueQueries', () => {
  let clock: FakeClock;
  let queries: CatalogueQueries;
  let purchases: PurchaseService;
  let store: MemoryInventoryStore;

  beforeEach(async () => {
    store = new MemoryInventoryStore();
    await store.seedIfEmpty(catalog);
    clock = new FakeClock(Date.parse(OPENS) - 1);
    const options = { store: 'memory' as const, catalogPath: 'unused', maxQuantityPerPurchase: 3 };
    queries = new CatalogueQueries(store, new ProductMapper(options, clock));
    purchases = new PurchaseService(store, options, clock, new RejectionTally(store));
  });

  it('maps a product with its schedule as ISO 8601 and its state at the clock’s time', async () => {
    expect(await queries.getProduct(2)).toEqual({
      id: 2,
      name: 'Scheduled',
      description: 'Opens at ten',
      price: 2000,
      currency: 'EUR',
      stock: 10,
      available: 10,
      maxQuantityPerPurchase: 3,
      startsAt: OPENS,
      endsAt: CLOSES,
      perBuyerLimit: 2,
      state: 'upcoming',
    });
    expect((await queries.listProducts()).map((p) => [p.id, p.state, p.startsAt])).toEqual([
      [1, 'live', null],
      [2, 'upcoming', OPENS],
    ]);
    expect((await domainError(queries.getProduct(9))).code).toBe(ErrorCode.ProductNotFound);
  });

  it('the live inventory turns from upcoming to live when the clock passes startsAt', async () => {
    expect(await queries.getLiveInventory(2)).toEqual({
      productId: 2,
      available: 10,
      state: 'upcoming',
      startsAt: OPENS,
    });
    clock.advance(1);
    expect(await queries.getLiveInventory(2)).toMatchObject({ state: 'live' });
    clock.set(CLOSES);
    expect(await queries.getLiveInventory(2)).toMatchObject({ state: 'ended' });
    expect(await domainError(queries.getLiveInventory(9))).toMatchObject({
      code: ErrorCode.ProductNotFound,
      extensions: { productId: 9 },
    });
  });

  it('an order read by id shows the price paid and does not reveal its buyer', async () => {
    clock.set(OPENS);
    const receipt = await purchases.purchase({ productId: 2, quantity: 2, buyerId: BUYER });
    await store.updateProduct(2, { price: 1 });
    expect(await queries.getOrder(receipt.orderId)).toEqual({
      orderId: receipt.orderId,
      productId: 2,
      quantity: 2,
      unitPrice: 2000,
      currency: 'EUR',
      total: 4000,
      createdAt: OPENS,
      status: 'sold',
      cancelledAt: null,
    });
    expect((await domainError(queries.getOrder('nope'))).code).toBe(ErrorCode.OrderNotFound);
  });
});
