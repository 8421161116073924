import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { Order } from '@gtd/shared-contracts';
import { OrderHistory, OrdersClient, ProductsClient } from '@gtd/web-data-access';
import { InstantPipe, MoneyPipe, NotFound } from '@gtd/web-ui';
import { catchError, forkJoin, map, Observable, of, startWith, switchMap } from 'rxjs';
import { TicketQr } from './ticket-qr';

export type ReceiptState =
  | { readonly status: 'loading' }
  | {
      readonly status: 'ready';
      readonly order: Order;
      readonly productName: string;
      /** The signed ticket (compact JWS) the door scans; `null` once the order is cancelled. */
      readonly ticket: string | null;
    }
  | { readonly status: 'not-found' }
  | { readonly status: 'error' };

/**
 * `/receipts/:orderId` (not `/orders/…`, which is the API's): one confirmed order as its buyer keeps it — what, how many, the price it sold
 * at, when, and the ticket to show at the door. Whoever holds the order id may see it, as the API
 * allows: the link is the receipt.
 */
@Component({
  selector: 'gtd-receipt-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [InstantPipe, MoneyPipe, NotFound, RouterLink, TicketQr],
  templateUrl: './receipt-page.html',
  styleUrl: './orders.css',
})
export class ReceiptPage {
  /** The `:orderId` route parameter (bound by `withComponentInputBinding()`). */
  readonly orderId = input.required<string>();

  private readonly orders = inject(OrdersClient);
  private readonly products = inject(ProductsClient);
  private readonly history = inject(OrderHistory);
  private readonly reloads = signal(0);

  protected readonly state = toSignal(
    toObservable(computed(() => ({ id: this.orderId(), reload: this.reloads() }))).pipe(
      switchMap(({ id }) =>
        this.load(id).pipe(
          catchError(() => of<ReceiptState>({ status: 'error' })),
          startWith<ReceiptState>({ status: 'loading' }),
        ),
      ),
    ),
    { initialValue: { status: 'loading' } as ReceiptState },
  );

  /** The order's ticket code, in words for a screen reader. */
  protected readonly qrLabel = computed(() => {
    const state = this.state();
    return state.status === 'ready' ? `Ticket QR code for order ${state.order.orderId}` : '';
  });

  protected reload(): void {
    this.reloads.update((n) => n + 1);
  }

  private load(orderId: string): Observable<ReceiptState> {
    return this.orders.find(orderId).pipe(
      switchMap((order) =>
        order === null
          ? of<ReceiptState>({ status: 'not-found' })
          : forkJoin({
              // The name is a nicety: a receipt without it still admits at the door.
              product: this.products.find(order.productId).pipe(catchError(() => of(null))),
              // A cancelled order's ticket admits no one: it is not asked for, nor shown.
              ticket: order.status === 'cancelled' ? of(undefined) : this.orders.ticket(orderId),
            }).pipe(
              map(({ product, ticket }): ReceiptState => {
                if (ticket === null) return { status: 'not-found' };
                const kept = this.history.orders().find((o) => o.orderId === order.orderId);
                const productName = product?.name ?? kept?.productName ?? `Drop ${order.productId}`;
                return { status: 'ready', order, productName, ticket: ticket?.ticket ?? null };
              }),
            ),
      ),
    );
  }
}
