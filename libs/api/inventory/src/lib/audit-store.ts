import { AuditEntry } from '@gtd/shared-contracts';

/** The audit log stores exactly what the operator API shows. */
export type AuditRecord = AuditEntry;

/** Which entries a page lists: all, or only those of one product and/or one action. */
export interface AuditFilter {
  productId?: number;
  action?: string;
}

/** The operator's changes, append only: who, what, when. */
export interface AuditStore {
  /** The store assigns the id: increasing, so newer entries have larger ids. */
  append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /**
   * Newest first, the entries `filter` keeps; `before` is an `id` from a previous page (anything
   * else is before none), so a filtered page resumes where the last one of the same filter ended.
   */
  list(limit: number, before: string | null, filter?: AuditFilter): Promise<AuditRecord[]>;
}

/** Injection token of the port. */
export const AuditStore = Symbol('AuditStore');
