import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  signal,
  untracked,
} from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { MyOrder, Order } from '@gtd/shared-contracts';
import { BuyerSession, OrderHistory, OrdersClient } from '@gtd/web-data-access';
import { catchError, forkJoin, map, of, Subscription, switchMap } from 'rxjs';
import { OrderList } from './order-list';
import { accountRow, deviceRow, OrderRow } from './order-rows';

interface AccountOrders {
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly items: readonly MyOrder[];
  /** Where the next page starts (`null`: no more), or where the failed one was to start. */
  readonly after: string | null;
  readonly more: boolean;
}

const NO_ACCOUNT: AccountOrders = { status: 'idle', items: [], after: null, more: false };

/**
 * `/my-tickets`: the signed-in buyer's orders from their account, a page at a time, and the orders
 * this device bought without an account (kept by {@link OrderHistory}, their figures asked of the
 * store again), each leading to its receipt.
 */
@Component({
  selector: 'gtd-my-tickets-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [OrderList, RouterLink],
  templateUrl: './my-tickets-page.html',
  styleUrl: './orders.css',
})
export class MyTicketsPage {
  private readonly orders = inject(OrdersClient);
  private readonly history = inject(OrderHistory);
  protected readonly session = inject(BuyerSession);
  private readonly account = signal<AccountOrders>(NO_ACCOUNT);
  private request: Subscription | null = null;

  protected readonly accountState = computed(() => this.account().status);
  protected readonly accountMore = computed(() => this.account().more);
  protected readonly accountRows = computed(() => this.account().items.map(accountRow));

  /** Each kept order as the store answers it now (see {@link deviceRow}). */
  private readonly stored = toSignal(
    toObservable(this.history.orders).pipe(
      switchMap((kept) =>
        kept.length === 0
          ? of(new Map<string, Order | null>())
          : forkJoin(
              kept.map((o) =>
                this.orders.find(o.orderId).pipe(
                  map((order) => [o.orderId, order] as const),
                  catchError(() => of(null)),
                ),
              ),
            ).pipe(map((answers) => new Map(answers.filter((a) => a !== null)))),
      ),
    ),
    { initialValue: new Map<string, Order | null>() },
  );

  protected readonly deviceRows = computed<OrderRow[]>(() => {
    const stored = this.stored();
    return this.history.orders().map((kept) => deviceRow(kept, stored.get(kept.orderId)));
  });

  protected readonly nothingYet = computed(
    () =>
      this.deviceRows().length === 0 &&
      (!this.session.signedIn() || (this.accountState() === 'ready' && this.accountRows().length === 0)),
  );

  constructor() {
    // A buyer who signs out (or in as someone else) sees only what is theirs.
    effect(() => {
      const buyer = this.session.buyer();
      untracked(() => {
        this.request?.unsubscribe();
        this.account.set(NO_ACCOUNT);
        if (buyer) this.loadAccount(null);
      });
    });
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
  }

  /** Show more: the page after the last one shown. */
  protected showMore(): void {
    const { after, status } = this.account();
    if (status === 'ready' && after !== null) this.loadAccount(after);
  }

  /** Try again after a failed page: the same page. */
  protected retryAccount(): void {
    if (this.account().status === 'error') this.loadAccount(this.account().after);
  }

  private loadAccount(after: string | null): void {
    this.account.update((a) => ({ ...a, status: 'loading', after }));
    this.request = this.orders.mine(after).subscribe({
      next: (page) =>
        this.account.update((a) => ({
          status: 'ready',
          items: [...a.items, ...page.items],
          after: page.nextCursor,
          more: page.nextCursor !== null,
        })),
      error: () => this.account.update((a) => ({ ...a, status: 'error' })),
    });
  }
}
