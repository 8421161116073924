import { QueueProgressRecord } from '../queue-store';

/** A drop's queue counters, as the SQLite and PostgreSQL schemas both name them. */
export interface QueueStateColumns {
  pre_queue_joined: number;
  open_joined: number;
  drawn_count: number | null;
  admitted: number;
  last_admitted_at_ms: number | null;
}

/** Zeros for a drop nobody joined (no row yet). */
export const queueProgressFromRow = (row: QueueStateColumns | undefined): QueueProgressRecord => ({
  preQueueJoined: row?.pre_queue_joined ?? 0,
  openJoined: row?.open_joined ?? 0,
  drawnCount: row?.drawn_count ?? null,
  admitted: row?.admitted ?? 0,
  lastAdmittedAtMs: row?.last_admitted_at_ms ?? null,
});

/**
 * The drawn order as every store keeps it: 4 little-endian bytes a ticket whatever the host's byte
 * order, so instances on any machine read the same order from any store kind.
 */
export function encodeDrawnOrder(order: Uint32Array): Buffer {
  const bytes = Buffer.allocUnsafe(order.length * 4);
  for (let i = 0; i < order.length; i++) bytes.writeUInt32LE(order[i], i * 4);
  return bytes;
}

export function decodeDrawnOrder(bytes: Buffer): Uint32Array {
  const order = new Uint32Array(bytes.length / 4);
  for (let i = 0; i < order.length; i++) order[i] = bytes.readUInt32LE(i * 4);
  return order;
}
