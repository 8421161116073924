import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { InventoryStore, productNotFound, QueueSettingsRecord, QueueStore } from '@gtd/api-inventory';
import { queueNotEnabled } from './queue-errors';

/**
 * Every drop's queue settings, held by each instance and refreshed by the admission loop once a
 * tick: `POST /buy` asks "does this drop need a pass?" for every purchase, and answering that from
 * memory keeps drops without a queue exactly as fast as before. An operator's change reaches the
 * instance that made it at once and every other instance within a tick. It is filled before the
 * app listens, so a restarted instance never takes a purchase of a queued drop for one without.
 */
@Injectable()
export class QueueSettingsCache implements OnModuleInit {
  private byProduct = new Map<number, QueueSettingsRecord>();

  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    @Inject(InventoryStore) private readonly inventory: InventoryStore,
  ) {}

  /** The settings of an enabled queue, or undefined (no queue, or switched off). */
  enabled(productId: number): QueueSettingsRecord | undefined {
    const settings = this.byProduct.get(productId);
    return settings?.enabled ? settings : undefined;
  }

  /** The settings of an enabled queue, or the 404 a `…/queue` route answers (no such product, or no queue). */
  async enabledOrRefuse(productId: number): Promise<QueueSettingsRecord> {
    const settings = this.enabled(productId);
    if (settings) return settings;
    if (!(await this.inventory.inventory(productId))) throw productNotFound(productId);
    throw queueNotEnabled(productId);
  }

  enabledQueues(): QueueSettingsRecord[] {
    return [...this.byProduct.values()].filter((settings) => settings.enabled);
  }

  onModuleInit(): Promise<void> {
    return this.refresh();
  }

  /** Reads every drop's settings from the store. */
  async refresh(): Promise<void> {
    const settings = await this.store.listSettings();
    this.byProduct = new Map(settings.map((s) => [s.productId, s]));
  }

  /** This instance's own change, seen at once. */
  remember(settings: QueueSettingsRecord): void {
    this.byProduct.set(settings.productId, settings);
  }
}
