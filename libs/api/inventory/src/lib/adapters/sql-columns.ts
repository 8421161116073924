import { PATCHABLE_FIELDS, ProductPatch } from '../inventory-store';

/** The `products` column of each patchable field: the same names in the SQLite and PostgreSQL schemas. */
export const PATCH_COLUMNS: { readonly [K in (typeof PATCHABLE_FIELDS)[number]]: string } = {
  name: 'name',
  description: 'description',
  price: 'price',
  currency: 'currency',
  startsAtMs: 'starts_at',
  endsAtMs: 'ends_at',
  paused: 'paused',
  perBuyerLimit: 'per_buyer_limit',
};

/**
 * The SET list of an `updateProduct`: the present fields only (`null` clears a rule, absent keeps
 * it), each value converted for the driver and given its placeholder. Anything else a patch object
 * carries at run time is ignored.
 */
export function patchAssignments(
  patch: ProductPatch,
  placeholder: (index: number, field: keyof ProductPatch) => string,
  value: (field: keyof ProductPatch, value: unknown) => unknown,
): { assignments: string[]; values: unknown[] } {
  const assignments: string[] = [];
  const values: unknown[] = [];
  for (const field of PATCHABLE_FIELDS) {
    if (patch[field] === undefined) continue;
    values.push(value(field, patch[field]));
    assignments.push(`${PATCH_COLUMNS[field]} = ${placeholder(values.length, field)}`);
  }
  return { assignments, values };
}
