import { AuditRecord, AuditStore } from '../../audit-store';
import { BuyerRecord, BuyerStore, normalizeEmail } from '../../buyer-store';

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

  async list(limit: number, before: string | null): Promise<AuditRecord[]> {
    const beforeId = before === null ? this.entries.length + 1 : Number(before);
    const end = Number.isInteger(beforeId) ? Math.min(this.entries.length, Math.max(0, beforeId - 1)) : 0;
    return this.entries
      .slice(Math.max(0, end - limit), end)
      .reverse()
      .map((r) => ({ ...r }));
  }
}

/** Buyer accounts in process memory, keyed by normalised email. */
export class MemoryBuyerStore implements BuyerStore {
  private readonly buyers = new Map<string, BuyerRecord>();

  async create(buyer: BuyerRecord): Promise<boolean> {
    const email = normalizeEmail(buyer.email);
    if (this.buyers.has(email)) return false;
    this.buyers.set(email, { ...buyer, email });
    return true;
  }

  async findByEmail(email: string): Promise<BuyerRecord | undefined> {
    const buyer = this.buyers.get(normalizeEmail(email));
    return buyer && { ...buyer };
  }
}
