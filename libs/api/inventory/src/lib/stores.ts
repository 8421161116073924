import { AuditStore } from './audit-store';
import { BuyerStore } from './buyer-store';
import { InventoryStore } from './inventory-store';
import { QueueStore } from './queue-store';
import { TicketStore } from './ticket-store';

export interface DependencyHealth {
  name: string;
  up: boolean;
  details?: Record<string, unknown>;
}

/** Runs one dependency's check; a rejection becomes `up: false` with its message. */
export async function checkDependency(
  name: string,
  check: () => Promise<Record<string, unknown> | void>,
): Promise<DependencyHealth> {
  try {
    return { name, up: true, details: (await check()) ?? undefined };
  } catch (error) {
    return { name, up: false, details: { error: (error as Error).message } };
  }
}

/** What /health and the metrics ask of the configured store kind. */
export interface StoreHealth {
  /** The store kind (`STORE`), for health and logs. */
  readonly kind: string;
  /** Each dependency checked on its own (and, where there is one, the persister's backlog). */
  checkHealth(): Promise<DependencyHealth[]>;
}

/** Injection token of the health side of the opened store kind. */
export const StoreHealth = Symbol('StoreHealth');

/**
 * One store kind, opened (connected and migrated): its ports over shared connections, checked and
 * closed as one. Every port of a kind lives in the same database, so an operator write and its
 * audit entry, or a sale and its buyer, are never split across systems by accident.
 */
export interface Stores extends StoreHealth {
  readonly inventory: InventoryStore;
  readonly audit: AuditStore;
  readonly buyers: BuyerStore;
  readonly queue: QueueStore;
  readonly tickets: TicketStore;
  /** Finishes queued work and releases every connection. */
  close(): Promise<void>;
}
