import { RestockRequest } from '@gtd/shared-contracts';

/** The figures a restock changes, as the page last read them. */
export interface StockFigures {
  stock: number;
  available: number;
}

/** What the operator is shown before a restock is sent: each figure before and after. */
export interface RestockPreview {
  availableBefore: number;
  availableAfter: number;
  stockBefore: number;
  stockAfter: number;
}

/**
 * The API's rule (drop-administration.ts): `add` grows stock and available by the quantity; `set`
 * makes available the quantity and the stock what was sold plus it. A sale landing before the
 * restock changes the real figures, so the server's answer is shown afterwards.
 */
export function restockPreview(figures: StockFigures, request: RestockRequest): RestockPreview {
  const sold = figures.stock - figures.available;
  const add = request.mode === 'add';
  return {
    availableBefore: figures.available,
    availableAfter: add ? figures.available + request.quantity : request.quantity,
    stockBefore: figures.stock,
    stockAfter: add ? figures.stock + request.quantity : sold + request.quantity,
  };
}

/** `Available 40 → 50, stock 100 → 110`. */
export function previewSentence(preview: RestockPreview): string {
  return (
    `Available ${preview.availableBefore} → ${preview.availableAfter}, ` +
    `stock ${preview.stockBefore} → ${preview.stockAfter}`
  );
}

/** A whole number typed (0 or more, as a quantity or an id must be); else `null`. */
export function readWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}
