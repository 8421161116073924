import { Inject, Injectable } from '@nestjs/common';
import { CatalogueQueries, Clock, CLOCK, InventoryStore, TicketStore } from '@gtd/api-inventory';
import { CheckIn, OrderTicket, TicketKeySet } from '@gtd/shared-contracts';
import { alreadyCheckedIn, ticketInvalid, ticketRevoked } from './ticket-errors';
import { TicketSigner } from './ticket-signer';

/** A confirmed order's ticket, and the door's one admission per ticket. */
@Injectable()
export class TicketsService {
  constructor(
    @Inject(TicketStore) private readonly store: TicketStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(InventoryStore) private readonly orders: InventoryStore,
    private readonly catalogue: CatalogueQueries,
    private readonly signer: TicketSigner,
  ) {}

  /**
   * The order's ticket (404 ORDER_NOT_FOUND for an order this store does not hold, 409
   * TICKET_REVOKED once the operator cancelled it).
   */
  async ticketOf(orderId: string): Promise<OrderTicket> {
    const order = await this.catalogue.getOrder(orderId);
    if (order.cancelledAt !== null) throw ticketRevoked(order.orderId, order.cancelledAt);
    const ticket = this.signer.sign({
      orderId: order.orderId,
      productId: order.productId,
      quantity: order.quantity,
      soldAtMs: Date.parse(order.createdAt),
    });
    return {
      orderId: order.orderId,
      productId: order.productId,
      quantity: order.quantity,
      ticket,
      keyId: this.signer.publicJwk().kid,
    };
  }

  keys(): TicketKeySet {
    return { keys: [this.signer.publicJwk()] };
  }

  /**
   * Admits a scanned ticket once, unless its order was cancelled (409 TICKET_REVOKED). The
   * signature is the proof of the sale: the order is read only for the cancel, so a signed ticket
   * whose order the store does not answer for still admits. A cancel that lands between that read
   * and the admission is not seen: the door had decided first.
   */
  async checkIn(token: string, scanner: string): Promise<CheckIn> {
    const facts = this.signer.verify(token);
    if (!facts) throw ticketInvalid();
    const order = await this.orders.findOrder(facts.orderId);
    if (order?.cancelledAt) throw ticketRevoked(order.orderId, order.cancelledAt);
    const result = await this.store.checkIn(facts.orderId, scanner, this.clock.now());
    if (result.status === 'already') throw alreadyCheckedIn(result.checkIn);
    return {
      orderId: facts.orderId,
      productId: facts.productId,
      quantity: facts.quantity,
      checkedInAt: new Date(result.checkIn.atMs).toISOString(),
      scanner: result.checkIn.scanner,
    };
  }
}
