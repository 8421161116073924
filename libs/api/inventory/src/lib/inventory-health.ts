import { Inject, Injectable } from '@nestjs/common';
import { DependencyHealth, InventoryStore } from './inventory-store';

/** Which store this process runs and whether its dependencies answer: for /health and the metrics. */
@Injectable()
export class InventoryHealth {
  constructor(@Inject(InventoryStore) private readonly store: InventoryStore) {}

  /** The adapter's name (`memory`, `sqlite`, `postgres`, `redis`). */
  get kind(): string {
    return this.store.kind;
  }

  /** Each dependency of the store, checked on its own. */
  check(): Promise<DependencyHealth[]> {
    return this.store.checkHealth();
  }
}
