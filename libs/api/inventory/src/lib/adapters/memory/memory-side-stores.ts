import { AuditFilter, AuditRecord, AuditStore } from '../../audit-store';
import { BuyerRecord, BuyerStore, EmailKey } from '../../buyer-store';

/** The audit log in process memory. Ids are positions + 1, so `before` maps straight to an index. */
export class MemoryAuditStore implements AuditStore {
  private readonly entries: AuditRecord[] = [];

  async append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const record: AuditRecord = {
      ...entry,
      id: String(this.entries.length + 1),
      details: { ...entry.details },
    };
    this.entries.push(record);
    return { ...record };
  }

  async list(limit: number, before: string | null, filter: AuditFilter = {}): Promise<AuditRecord[]> {
    const beforeId = before === null ? this.entries.length + 1 : Number(before);
    const end = Number.isInteger(beforeId) ? Math.min(this.entries.length, Math.max(0, beforeId - 1)) : 0;
    const page: AuditRecord[] = [];
    // Ids are positions + 1: walk back from the cursor, keeping what the filter keeps.
    for (let i = end - 1; i >= 0 && page.length < limit; i--) {
      const entry = this.entries[i];
      if (filter.productId !== undefined && entry.productId !== filter.productId) continue;
      if (filter.action !== undefined && entry.action !== filter.action) continue;
      page.push({ ...entry });
    }
    return page;
  }
}

/** Buyer accounts in process memory, keyed by their exact email key. */
export class MemoryBuyerStore implements BuyerStore {
  private readonly buyers = new Map<string, BuyerRecord>();

  async create(buyer: BuyerRecord & { email: EmailKey }): Promise<boolean> {
    if (this.buyers.has(buyer.email)) return false;
    this.buyers.set(buyer.email, { ...buyer });
    return true;
  }

  async findByEmail(email: EmailKey): Promise<BuyerRecord | undefined> {
    const buyer = this.buyers.get(email);
    return buyer && { ...buyer };
  }
}
