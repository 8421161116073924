import { Stores } from '../../stores';
import { MemoryInventoryStore, MemoryStoreOptions } from './memory-inventory-store';
import { MemoryQueueStore } from './memory-queue-store';
import { MemoryAuditStore, MemoryBuyerStore } from './memory-side-stores';
import { MemoryTicketStore } from './memory-ticket-store';

/** Every port in process memory: tests and demos; not durable, one process. */
export function openMemoryStores(options: MemoryStoreOptions = {}): Stores {
  return {
    kind: 'memory',
    inventory: new MemoryInventoryStore(options),
    audit: new MemoryAuditStore(),
    buyers: new MemoryBuyerStore(),
    queue: new MemoryQueueStore(),
    tickets: new MemoryTicketStore(),
    checkHealth: async () => [{ name: 'memory', up: true }],
    close: async () => undefined,
  };
}
