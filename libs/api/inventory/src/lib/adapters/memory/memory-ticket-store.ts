import { CheckInRecord, CheckInResult, TicketStore } from '../../ticket-store';

/** Check-ins in process memory: one process, so the map's synchronous update is the atomic step. */
export class MemoryTicketStore implements TicketStore {
  private key: string | undefined;
  private readonly checkIns = new Map<string, CheckInRecord>();

  async signingKey(candidate: string): Promise<string> {
    return (this.key ??= candidate);
  }

  async checkIn(orderId: string, scanner: string, atMs: number): Promise<CheckInResult> {
    const earlier = this.checkIns.get(orderId);
    if (earlier) return { status: 'already', checkIn: { ...earlier } };
    const checkIn = { orderId, scanner, atMs };
    this.checkIns.set(orderId, checkIn);
    return { status: 'admitted', checkIn: { ...checkIn } };
  }

  async checkInOf(orderId: string): Promise<CheckInRecord | undefined> {
    const checkIn = this.checkIns.get(orderId);
    return checkIn && { ...checkIn };
  }
}
