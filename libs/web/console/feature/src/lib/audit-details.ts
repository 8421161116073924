import { AuditEntry } from '@gtd/shared-contracts';
import { formatMinorUnits } from '@gtd/web-ui';

/**
 * The actions the API writes to its audit log (and accepts as the `action` filter), as the console
 * names them. The API's list is AuditAction in libs/api/admin; a filter it does not know is a 400
 * (`order.cancel` comes with the cancel route, POST /admin/orders/{id}/cancel).
 */
export const AUDIT_ACTIONS: readonly { value: string; label: string }[] = [
  { value: 'product.create', label: 'Drop created' },
  { value: 'product.update', label: 'Drop changed' },
  { value: 'product.restock', label: 'Restocked' },
  { value: 'product.pause', label: 'Drop paused' },
  { value: 'product.resume', label: 'Drop resumed' },
  { value: 'queue.update', label: 'Waiting room set up' },
  { value: 'queue.pause', label: 'Admissions paused' },
  { value: 'queue.resume', label: 'Admissions resumed' },
  { value: 'order.cancel', label: 'Order cancelled' },
];

export function actionLabel(action: string): string {
  return AUDIT_ACTIONS.find((a) => a.value === action)?.label ?? action;
}

const INSTANTS = new Set(['startsAt', 'endsAt', 'preQueueOpensAt']);

type Stock = { stock?: unknown; available?: unknown };

/** An entry's details in a line: a restock as before → after, a change as the fields it sent. */
export function auditDetails(
  entry: AuditEntry,
  locale: string,
  currencyOf: (id: number) => string | null,
): string {
  const details = entry.details ?? {};
  if (entry.action === 'product.restock') {
    const before = (details['before'] ?? {}) as Stock;
    const after = (details['after'] ?? {}) as Stock;
    const how =
      details['mode'] === 'set' ? `set available to ${details['quantity']}` : `add ${details['quantity']}`;
    return `${how}: stock ${before.stock} → ${after.stock}, available ${before.available} → ${after.available}`;
  }
  if (entry.action === 'order.cancel') {
    const available = (details['available'] ?? {}) as { before?: unknown; after?: unknown };
    return `order ${details['orderId']}: ${details['quantity']} back on sale, available ${available.before} → ${available.after}`;
  }
  const entries = Object.entries(details);
  if (entries.length === 0) return '—';
  const currency =
    typeof details['currency'] === 'string'
      ? details['currency']
      : entry.productId !== null
        ? currencyOf(entry.productId)
        : null;
  return entries
    .map(([key, value]) => {
      if (key === 'price' && typeof value === 'number' && currency) {
        return `price ${formatMinorUnits(value, currency, locale)}`;
      }
      if (INSTANTS.has(key) && typeof value === 'string') {
        return `${key} ${new Date(value).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' })}`;
      }
      return `${key} ${value === null ? 'none' : typeof value === 'string' ? `“${value}”` : JSON.stringify(value)}`;
    })
    .join(', ');
}
