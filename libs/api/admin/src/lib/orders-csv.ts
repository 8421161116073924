import { AdminOrder } from '@gtd/shared-contracts';

/** The export's columns, in order: the header row names them as the JSON orders page does. */
export const ORDERS_CSV_COLUMNS = [
  'orderId',
  'productId',
  'quantity',
  'unitPrice',
  'currency',
  'total',
  'buyerId',
  'createdAt',
  // Added after the first release: at the end, so a reader of the earlier columns by position still works.
  'status',
  'cancelledAt',
] as const satisfies readonly (keyof AdminOrder)[];

/**
 * RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled. A field
 * that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with a quote mark: the
 * fields here are ids and numbers, but an export must stay safe if a column ever carries text.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const ordersCsvHeader = (): string => `${ORDERS_CSV_COLUMNS.join(',')}\r\n`;

export const ordersCsvRow = (order: AdminOrder): string =>
  `${ORDERS_CSV_COLUMNS.map((column) => csvField(order[column])).join(',')}\r\n`;
