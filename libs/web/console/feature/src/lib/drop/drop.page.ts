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
  input,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { Router, RouterLink } from '@angular/router';
import { AdminProduct, DropSummary } from '@gtd/shared-contracts';
import { AdminClient, CONSOLE_SIGN_IN, OperatorSession } from '@gtd/web-console-data-access';
import { SellThroughChart } from '@gtd/web-console-live';
import { forkJoin, Observable, Subscription } from 'rxjs';
import { OrdersTable } from './orders-table';
import { refusalText } from './problem-text';
import { readWholeNumber } from './restock';
import { RestockForm } from './restock-form';

type DropView = 'loading' | 'ready' | 'not-found' | 'failed';

const AS_OF = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/**
 * `/console/drops/:id`: one drop for the operator — its figures, the live sell-through, and what
 * can be done to it (pause or resume, restock, cancel orders, export them). Every action's result
 * is said in one polite live region; the figures are read again after each.
 */
@Component({
  selector: 'gtd-console-drop',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterLink, SellThroughChart, RestockForm, OrdersTable],
  templateUrl: './drop.page.html',
  styles: `
    .console-drop__figures {
      display: flex;
      flex-wrap: wrap;
      gap: 0 2rem;
    }
    .console-drop__figures dd {
      margin: 0;
      font-size: 1.5rem;
      font-variant-numeric: tabular-nums;
    }
    /* Never display: none, even when empty: a live region must stay in the accessibility tree to be heard. */
    .console-drop__announcement {
      min-height: 1.5em;
      font-weight: 600;
    }
  `,
})
export class ConsoleDropPage {
  /** The `:id` of the route (bound by the router's component input binding). */
  readonly id = input.required<string>();

  private readonly admin = inject(AdminClient);
  private readonly session = inject(OperatorSession);
  private readonly router = inject(Router);
  private readonly heading = viewChild.required<ElementRef<HTMLElement>>('heading');

  readonly token = this.session.token;
  readonly view = signal<DropView>('loading');
  readonly failure = signal('');
  readonly product = signal<AdminProduct | null>(null);
  readonly summary = signal<DropSummary | null>(null);
  readonly asOf = signal('');
  readonly announcement = signal('');
  readonly toggling = signal(false);
  readonly productId = computed(() => {
    const id = readWholeNumber(this.id());
    return id !== null && id > 0 ? id : null;
  });
  /** The pause flag outranks the summary's state, which may be a moment older. */
  readonly state = computed(() => (this.product()?.paused ? 'paused' : (this.summary()?.state ?? '')));
  private loading: Subscription | undefined;

  constructor() {
    effect(() => {
      const id = this.productId();
      untracked(() => this.load(id));
    });
    afterNextRender(() => this.heading().nativeElement.focus());
    inject(DestroyRef).onDestroy(() => this.loading?.unsubscribe());
  }

  reload(): void {
    this.load(this.productId());
  }

  /** Reads the figures again (after an action, or when the operator asks). */
  refreshFigures(): void {
    const id = this.productId();
    if (id === null) return;
    this.admin.summary(id).subscribe({
      next: (summary) => this.showSummary(summary),
      error: (error: unknown) =>
        this.announcement.set(`The figures could not be read: ${this.reason(error)}`),
    });
  }

  togglePause(): void {
    const product = this.product();
    if (!product || this.toggling()) return;
    const pausing = !product.paused;
    const call: Observable<AdminProduct> = pausing
      ? this.admin.pause(product.id)
      : this.admin.resume(product.id);
    this.toggling.set(true);
    call.subscribe({
      next: (updated) => {
        this.toggling.set(false);
        this.product.set(updated);
        this.announcement.set(
          updated.paused ? 'Paused: purchases are refused.' : 'Resumed: the drop is on sale again.',
        );
        this.refreshFigures();
      },
      error: (error: unknown) => {
        this.toggling.set(false);
        this.announcement.set(`${pausing ? 'Pause' : 'Resume'} failed: ${this.reason(error)}`);
      },
    });
  }

  restocked(product: AdminProduct): void {
    this.product.set(product);
    this.refreshFigures();
  }

  /** The live stream's token was refused: as the interceptor does for every other call. */
  tokenRefused(): void {
    this.session.signOut();
    void this.router.navigate([CONSOLE_SIGN_IN], { queryParams: { reason: 'expired' } });
  }

  private load(id: number | null): void {
    this.loading?.unsubscribe();
    if (id === null) {
      this.view.set('not-found');
      return;
    }
    this.view.set('loading');
    this.loading = forkJoin([this.admin.getProduct(id), this.admin.summary(id)]).subscribe({
      next: ([product, summary]) => {
        this.product.set(product);
        this.showSummary(summary);
        this.view.set('ready');
      },
      error: (error: unknown) => {
        if (error instanceof HttpErrorResponse && error.status === 404) {
          this.view.set('not-found');
          return;
        }
        this.failure.set(`The drop could not be loaded: ${this.reason(error)}`);
        this.view.set('failed');
      },
    });
  }

  private showSummary(summary: DropSummary): void {
    this.summary.set(summary);
    this.asOf.set(AS_OF.format(Date.now()));
  }

  private reason(error: unknown): string {
    return refusalText(error).general ?? 'the API refused it.';
  }
}
