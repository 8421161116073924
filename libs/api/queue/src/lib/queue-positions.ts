import { Inject, Injectable } from '@nestjs/common';
import { QueueProgressRecord, QueueStore, QueueTicketKind } from '@gtd/api-inventory';
import { positionOf } from './queue-rules';

/**
 * Where a ticket stands in line. The drawn order never changes once drawn, so each instance reads
 * it once per drop (4 bytes a pre-queue visitor) and answers positions from memory afterwards.
 */
@Injectable()
export class QueuePositions {
  private readonly drawn = new Map<number, Uint32Array | null>();

  constructor(@Inject(QueueStore) private readonly store: QueueStore) {}

  async positionOf(
    productId: number,
    ticket: { kind: QueueTicketKind; n: number },
    progress: QueueProgressRecord,
  ): Promise<number | null> {
    if (progress.drawnCount === null) return null;
    if (ticket.kind === 'open') return positionOf(ticket, progress.drawnCount, null);
    return positionOf(ticket, progress.drawnCount, await this.drawnOrder(productId));
  }

  /**
   * The places of pre-queue tickets `from`…`through` (1-based, within the drawn count), or
   * undefined before the draw.
   */
  async placesOf(
    productId: number,
    from: number,
    through: number,
    progress: QueueProgressRecord,
  ): Promise<number[] | undefined> {
    if (progress.drawnCount === null) return undefined;
    const order = await this.drawnOrder(productId);
    const places: number[] = [];
    for (let n = from; n <= through; n++)
      places.push(positionOf({ kind: 'pre', n }, progress.drawnCount, order) as number);
    return places;
  }

  private async drawnOrder(productId: number): Promise<Uint32Array | null> {
    if (this.drawn.has(productId)) return this.drawn.get(productId) ?? null;
    const order = await this.store.drawnOrder(productId);
    this.drawn.set(productId, order);
    return order;
  }
}
