import { AuditEntry } from '@gtd/shared-contracts';

/** The audit log stores exactly what the operator API shows. */
export type AuditRecord = AuditEntry;

/** The operator's changes, append only: who, what, when. */
export interface AuditStore {
  /** The store assigns the id: increasing, so newer entries have larger ids. */
  append(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord>;
  /** Newest first; `before` is an `id` from a previous page (anything else is before none). */
  list(limit: number, before: string | null): Promise<AuditRecord[]>;
}

/** Injection token of the port. */
export const AuditStore = Symbol('AuditStore');
