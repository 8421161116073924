import { Injectable } from '@nestjs/common';
import { DropState, Inventory } from '@gtd/shared-contracts';
import { inventoryEtag } from './inventory-etag';

/** A poll's answer ready to write: the body, its bytes and its strong tag. */
export interface PreparedInventory {
  readonly inventory: Readonly<Inventory>;
  readonly body: Buffer;
  readonly etag: string;
}

/**
 * The latest poll answer of each product, rebuilt only when a member of its body changes (a sale,
 * a state change, a stretched interval), so the crowd polling a count that did not move shares one
 * serialised body and one tag. The count itself is read from the store on every poll — another
 * process may have sold — and compared with the prepared one; only ids the store knows get here.
 */
@Injectable()
export class InventoryAnswers {
  private readonly latest = new Map<number, PreparedInventory>();

  answer(productId: number, available: number, state: DropState, pollAfterMs: number): PreparedInventory {
    const last = this.latest.get(productId);
    if (
      last !== undefined &&
      last.inventory.available === available &&
      last.inventory.state === state &&
      last.inventory.pollAfterMs === pollAfterMs
    ) {
      return last;
    }
    const inventory: Inventory = { productId, available, state, pollAfterMs };
    const prepared: PreparedInventory = {
      inventory: Object.freeze(inventory),
      body: Buffer.from(JSON.stringify(inventory)),
      etag: inventoryEtag(inventory),
    };
    this.latest.set(productId, prepared);
    return prepared;
  }
}
