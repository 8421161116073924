import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { CatalogueQueries, PurchaseService, StoreHealth } from '@gtd/api-inventory';
import { MetricsRegistry } from '@gtd/api-platform';
import { Counter, Gauge } from 'prom-client';
import { Subscription } from 'rxjs';

/** Outcomes shown from the first scrape, at 0, so `rate()` has a series before the first sale. */
const EXPECTED_OUTCOMES = ['sold', 'replayed', ErrorCode.SoldOut, ErrorCode.InsufficientStock];

/**
 * The drop's own metrics: purchases by outcome (counted as the service decides them), units sold
 * by product, and, read from the store at scrape time, available stock by product, each store
 * dependency's health and the persister's backlog where the store has one.
 */
@Injectable()
export class DropMetrics implements OnModuleDestroy {
  private readonly subscription: Subscription;

  constructor(
    purchases: PurchaseService,
    catalogue: CatalogueQueries,
    @Inject(StoreHealth) storeHealth: StoreHealth,
    metrics: MetricsRegistry,
  ) {
    const registers = [metrics.registry];
    // Counted in plain Maps inside the purchase and handed to prom-client at scrape time:
    // prom-client's `inc` validates and hashes its labels on every call (~1 µs).
    const outcomes = new Map<string, number>(EXPECTED_OUTCOMES.map((outcome) => [outcome, 0]));
    const unitsByProduct = new Map<number, number>();
    this.subscription = purchases.purchaseOutcomes$.subscribe(({ productId, outcome, quantity }) => {
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      // By product only for sales: a sale names a product that exists, while rejections may carry
      // any id a client made up, and must not grow the series.
      if (outcome === 'sold') unitsByProduct.set(productId, (unitsByProduct.get(productId) ?? 0) + quantity);
    });
    new Counter({
      name: 'gtd_purchases_total',
      help: 'Purchase attempts the store decided, by outcome: sold, replayed (idempotent retry) or the rejection code.',
      labelNames: ['outcome'],
      registers,
      collect() {
        for (const [outcome, count] of outcomes) this.inc({ outcome }, count);
        outcomes.forEach((_, outcome) => outcomes.set(outcome, 0));
      },
    });
    new Counter({
      name: 'gtd_units_sold_total',
      help: 'Units sold, by product.',
      labelNames: ['product_id'],
      registers,
      collect() {
        for (const [productId, units] of unitsByProduct) this.inc({ product_id: String(productId) }, units);
        unitsByProduct.clear();
      },
    });

    new Gauge({
      name: 'gtd_available_units',
      help: 'Units left to sell, by product (read from the store at scrape time).',
      labelNames: ['product_id'],
      registers,
      async collect() {
        const products = await catalogue.listProducts();
        this.reset();
        for (const product of products) this.set({ product_id: String(product.id) }, product.available);
      },
    });

    // One health check per scrape feeds both gauges below.
    let health: ReturnType<StoreHealth['checkHealth']> | undefined;
    const checkOnce = () =>
      (health ??= storeHealth.checkHealth().finally(() => setImmediate(() => (health = undefined))));
    new Gauge({
      name: 'gtd_dependency_up',
      help: 'Whether each dependency of the store answered its health check (1) or not (0).',
      labelNames: ['dependency'],
      registers,
      async collect() {
        const dependencies = await checkOnce();
        this.reset();
        for (const { name, up } of dependencies) this.set({ dependency: name }, up ? 1 : 0);
      },
    });
    // Labelled by store so that a store without a persister shows no series rather than a 0.
    new Gauge({
      name: 'gtd_persister_backlog',
      help: 'Confirmed orders not yet written to the durable store, where the store has a persister (STORE=redis).',
      labelNames: ['store'],
      registers,
      async collect() {
        const persister = (await checkOnce()).find((d) => d.name === 'persister');
        const backlog = persister?.details?.['backlog'];
        this.reset();
        if (typeof backlog === 'number') this.set({ store: storeHealth.kind }, backlog);
      },
    });
  }

  onModuleDestroy(): void {
    this.subscription.unsubscribe();
  }
}
