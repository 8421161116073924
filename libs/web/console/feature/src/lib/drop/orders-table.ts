import { HttpErrorResponse } from '@angular/common/http';
import {
  afterNextRender,
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  ElementRef,
  inject,
  Injector,
  input,
  output,
  signal,
  untracked,
} from '@angular/core';
import { AdminOrder, ErrorCode, OrderCancellation, OrdersPage } from '@gtd/shared-contracts';
import { AdminClient } from '@gtd/web-console-data-access';
import { MoneyPipe } from '@gtd/web-ui';
import { Subscription } from 'rxjs';
import { localTime, utcTime } from '../console-time';
import { refusalText } from './problem-text';
import { SAVE_FILE } from './save-file';

/** Orders per page, as the console asks for them. */
export const ORDERS_PAGE_SIZE = 50;

/** `index`: which page (from 0) the rows on screen are, so the caption never runs ahead of them. */
type OrdersView =
  | { kind: 'loading' }
  | { kind: 'ready'; page: OrdersPage; index: number }
  | { kind: 'failed' };

/**
 * A drop's orders a page at a time, in the API's order (oldest first). The API pages forward only
 * (`after` = the previous page's `nextCursor`), so "Previous" walks back a stack of the cursors
 * each page was read with. Each standing order can be cancelled, after a confirm step.
 */
@Component({
  selector: 'gtd-orders-table',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MoneyPipe],
  templateUrl: './orders-table.html',
  styles: `
    table {
      border-collapse: collapse;
      margin: 1rem 0;
    }
    caption {
      text-align: left;
      font-weight: 600;
    }
    th,
    td {
      padding: 0.25rem 0.75rem;
      text-align: left;
      vertical-align: middle;
    }
    tbody tr {
      border-top: 1px solid currentColor;
    }
    .orders-pager,
    .orders-toolbar {
      display: flex;
      gap: 0.5rem;
    }
  `,
})
export class OrdersTable {
  readonly productId = input.required<number>();
  /** An order was cancelled (its units are back on sale): the page refreshes its figures. */
  readonly cancelled = output<OrderCancellation>();
  /** A sentence for the page's live region. */
  readonly announce = output<string>();

  private readonly admin = inject(AdminClient);
  private readonly saveFile = inject(SAVE_FILE);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);

  /** The `after` each page up to the current one was read with; the first page's is `null`. */
  private readonly cursors = signal<readonly (string | null)[]>([null]);
  readonly view = signal<OrdersView>({ kind: 'loading' });
  readonly failure = signal('');
  readonly confirming = signal<string | null>(null);
  readonly cancelling = signal<string | null>(null);
  readonly exporting = signal(false);
  /** A page is being read: the rows on screen stay (and keep the focus) until it arrives. */
  readonly busy = signal(false);
  readonly pageIndex = computed(() => {
    const view = this.view();
    return view.kind === 'ready' ? view.index : this.cursors().length - 1;
  });
  readonly orders = computed(() => {
    const view = this.view();
    return view.kind === 'ready' ? view.page.items : [];
  });
  readonly nextCursor = computed(() => {
    const view = this.view();
    return view.kind === 'ready' ? view.page.nextCursor : null;
  });
  private loading: Subscription | undefined;

  constructor() {
    effect(() => {
      const id = this.productId();
      const cursors = this.cursors();
      untracked(() => this.load(id, cursors[cursors.length - 1]));
    });
    inject(DestroyRef).onDestroy(() => this.loading?.unsubscribe());
  }

  /** Reads the current page again (after a cancel elsewhere, or a failed read). */
  reload(): void {
    this.cursors.update((cursors) => [...cursors]);
  }

  next(): void {
    const cursor = this.nextCursor();
    // While a page is on its way, a second press would push the same cursor twice.
    if (cursor && !this.busy()) this.cursors.update((cursors) => [...cursors, cursor]);
  }

  previous(): void {
    if (this.busy()) return;
    this.cursors.update((cursors) => (cursors.length > 1 ? cursors.slice(0, -1) : cursors));
  }

  ask(order: AdminOrder): void {
    this.confirming.set(order.orderId);
    this.focus('[data-testid="cancel-confirm"]');
  }

  keep(order: AdminOrder): void {
    this.confirming.set(null);
    this.focusRow(order.orderId);
  }

  cancel(order: AdminOrder): void {
    this.cancelling.set(order.orderId);
    this.admin.cancelOrder(order.orderId).subscribe({
      next: (result) => {
        this.settle(order.orderId, result.order);
        this.announce.emit(`Order ${order.orderId} cancelled: ${result.available} available.`);
        this.cancelled.emit(result);
      },
      error: (error: unknown) => {
        const code = refusalText(error).code;
        if (code === ErrorCode.OrderAlreadyCancelled) {
          // Someone (another tab, another operator) was first: the order is cancelled all the same.
          this.settle(order.orderId, { ...order, status: 'cancelled' });
          this.announce.emit(`Order ${order.orderId} was already cancelled.`);
          this.reload();
          return;
        }
        this.cancelling.set(null);
        this.confirming.set(null);
        this.announce.emit(`Order ${order.orderId} was not cancelled: ${this.reason(error)}`);
        this.focusRow(order.orderId);
      },
    });
  }

  exportCsv(): void {
    // aria-disabled rather than disabled while it runs: a disabled button would drop the focus.
    if (this.exporting()) return;
    this.exporting.set(true);
    const id = this.productId();
    this.admin.exportOrders(id).subscribe({
      next: (blob) => {
        this.exporting.set(false);
        this.saveFile(blob, `drop-${id}-orders.csv`);
        this.announce.emit('The orders CSV was downloaded.');
      },
      // operatorTokenInterceptor has read the problem out of the error's Blob body.
      error: (error: unknown) => {
        this.exporting.set(false);
        this.announce.emit(`The CSV export failed: ${refusalText(error).general ?? 'try again.'}`);
      },
    });
  }

  local = localTime;
  utc = utcTime;

  private load(id: number, after: string | null): void {
    this.loading?.unsubscribe();
    const index = this.cursors().length - 1;
    this.busy.set(true);
    this.confirming.set(null);
    this.cancelling.set(null);
    // A reload keeps the rows on screen until the new page arrives, so the focus is not lost.
    if (this.view().kind !== 'ready') this.view.set({ kind: 'loading' });
    this.loading = this.admin.orders(id, ORDERS_PAGE_SIZE, after).subscribe({
      next: (page) => {
        this.busy.set(false);
        this.view.set({ kind: 'ready', page, index });
      },
      error: (error: unknown) => {
        this.busy.set(false);
        this.failure.set(`The orders could not be loaded: ${this.reason(error)}`);
        this.view.set({ kind: 'failed' });
      },
    });
  }

  /** Puts the server's version of one order in its row. */
  private settle(orderId: string, order: AdminOrder): void {
    this.cancelling.set(null);
    this.confirming.set(null);
    this.view.update((view) =>
      view.kind === 'ready'
        ? {
            ...view,
            page: { ...view.page, items: view.page.items.map((o) => (o.orderId === orderId ? order : o)) },
          }
        : view,
    );
    this.focusRow(orderId);
  }

  private reason(error: unknown): string {
    const refusal = refusalText(error);
    if (refusal.general) return refusal.general;
    if (error instanceof HttpErrorResponse) return `the API answered ${error.status}.`;
    return 'try again.';
  }

  private focusRow(orderId: string): void {
    afterNextRender(
      () =>
        Array.from(this.host.nativeElement.querySelectorAll<HTMLElement>('[data-row-head]'))
          .find((cell) => cell.dataset['rowHead'] === orderId)
          ?.focus(),
      { injector: this.injector },
    );
  }

  private focus(selector: string): void {
    afterNextRender(() => this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(), {
      injector: this.injector,
    });
  }
}
