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
