import { Inject, Injectable } from '@nestjs/common';
import { AuditEntry } from '@gtd/shared-contracts';
import { AuditFilter, AuditStore, Clock, CLOCK } from '@gtd/api-inventory';

/** What operator changes are called in the audit log. */
export const AuditAction = {
  create: 'product.create',
  update: 'product.update',
  restock: 'product.restock',
  pause: 'product.pause',
  resume: 'product.resume',
  queueUpdate: 'queue.update',
  queuePause: 'queue.pause',
  queueResume: 'queue.resume',
  orderCancel: 'order.cancel',
} as const;
export type AuditAction = (typeof AuditAction)[keyof typeof AuditAction];

/** Who did it: the one operator identity the token stands for, and where the call came from. */
export function operatorActor(clientAddress: string | undefined): string {
  // An IPv4 client on a dual-stack socket shows up as ::ffff:a.b.c.d; the log says a.b.c.d.
  const address = (clientAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return `admin@${address}`;
}

/** Keeps only the members that were sent (DTO instances carry declared-but-absent fields as undefined). */
export const sentFields = (request: object): Record<string, unknown> =>
  Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined));

/** The operator's changes, recorded in the store after each one succeeds (who, what, when). */
@Injectable()
export class AuditLog {
  constructor(
    @Inject(AuditStore) private readonly store: AuditStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async record(
    actor: string,
    action: AuditAction,
    productId: number,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.store.append({
      at: new Date(this.clock.now()).toISOString(),
      actor,
      action,
      productId,
      details,
    });
  }

  /** Newest first, the entries `filter` keeps; `before` is an entry id from the previous page. */
  list(limit: number, before: string | null, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    return this.store.list(limit, before, filter);
  }
}
