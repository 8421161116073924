import { Inventory } from '@gtd/shared-contracts';

/**
 * Every member of the Inventory body. A new member of Inventory is a compile error here until it
 * is listed, and the spec checks that changing any listed member changes the tag.
 */
export const ETAG_MEMBERS = [
  'productId',
  'available',
  'state',
  'pollAfterMs',
] as const satisfies readonly (keyof Inventory)[];
type Untagged = Exclude<keyof Inventory, (typeof ETAG_MEMBERS)[number]>;
const everyMemberTagged: Untagged extends never ? true : never = true;
void everyMemberTagged;

/**
 * A strong ETag of an inventory answer, derived from its body: the body's values in a fixed order.
 * Two answers get the same tag exactly when their JSON bodies are byte for byte the same, without
 * hashing anything (no collisions, and cheaper than a digest on the hottest route).
 */
export function inventoryEtag(inventory: Inventory): string {
  return `"${inventory.productId}-${inventory.available}-${inventory.state}-${inventory.pollAfterMs}"`;
}

/**
 * RFC 9110 §13.1.2: `If-None-Match` matches when it is `*` or lists the tag, compared weakly (a
 * `W/` prefix is ignored), so a proxy that weakened our tag still gets its 304.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  for (const candidate of header.split(',')) {
    const tag = candidate.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}
