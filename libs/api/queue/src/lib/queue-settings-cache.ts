import { Inject, Injectable } from '@nestjs/common';
import { QueueSettingsRecord, QueueStore } from '@gtd/api-inventory';

/**
 * Every drop's queue settings, held by each instance and refreshed by the admission loop once a
 * tick: `POST /buy` asks "does this drop need a pass?" for every purchase, and answering that from
 * memory keeps drops without a queue exactly as fast as before. An operator's change reaches the
 * instance that made it at once and every other instance within a tick.
 */
@Injectable()
export class QueueSettingsCache {
  private byProduct = new Map<number, QueueSettingsRecord>();
  private loaded: Promise<void> | undefined;

  constructor(@Inject(QueueStore) private readonly store: QueueStore) {}

  /** The settings of an enabled queue, or undefined (no queue, or switched off). */
  enabled(productId: number): QueueSettingsRecord | undefined {
    const settings = this.byProduct.get(productId);
    return settings?.enabled ? settings : undefined;
  }

  enabledQueues(): QueueSettingsRecord[] {
    return [...this.byProduct.values()].filter((settings) => settings.enabled);
  }

  /** Reads every drop's settings from the store. */
  async refresh(): Promise<void> {
    const settings = await this.store.listSettings();
    this.byProduct = new Map(settings.map((s) => [s.productId, s]));
  }

  /** The first read, shared by everyone who needs the cache before the loop's first tick. */
  ready(): Promise<void> {
    return (this.loaded ??= this.refresh());
  }

  /** This instance's own change, seen at once. */
  remember(settings: QueueSettingsRecord): void {
    this.byProduct.set(settings.productId, settings);
  }
}
