import {
  afterRenderEffect,
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  ElementRef,
  inject,
  input,
  linkedSignal,
  LOCALE_ID,
  viewChild,
} from '@angular/core';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import { BuyerSession, DropStore, QueueStore } from '@gtd/web-data-access';
import {
  Countdown,
  DROP_STATE_LABELS,
  DropStateBadge,
  formatInstant,
  InstantPipe,
  MoneyPipe,
  NotFound,
  StockMeter,
} from '@gtd/web-ui';
import { QueuePanel } from '../queue/queue-panel';
import { limitSentence } from '../text/product-wording';
import { buyButtonLabel, buyButtonReason } from './buy-button-text';
import { describeOutcome, PurchaseMessage } from './purchase-message';

/**
 * `/drops/:id`: one drop with its state, countdown, live count and Buy now. The state and the
 * purchase live in {@link DropStore}; this page renders them and says them in words. A drop behind
 * a waiting room ({@link QueueStore}) shows the queue instead of Buy now until the buyer's turn.
 */
@Component({
  selector: 'gtd-drop-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Countdown, DropStateBadge, InstantPipe, MoneyPipe, NotFound, QueuePanel, RouterLink, StockMeter],
  providers: [DropStore, QueueStore],
  templateUrl: './drop-page.html',
  styleUrl: './drop-page.css',
})
export class DropPage {
  /** The `:id` route parameter (bound by `withComponentInputBinding()`). */
  readonly id = input.required<string>();

  protected readonly store = inject(DropStore);
  protected readonly queue = inject(QueueStore);
  private readonly router = inject(Router);
  private readonly locale = inject(LOCALE_ID);
  private readonly session = inject(BuyerSession);
  /** An ISO 8601 instant as the buyer reads it (to the second when it is less than an hour ahead). */
  private readonly formatInstant = (iso: string) => formatInstant(iso, this.locale, this.store.now());

  protected readonly stateLabel = computed(() => {
    const state = this.store.dropState();
    return state ? DROP_STATE_LABELS[state] : '';
  });

  protected readonly buyLabel = computed(() => buyButtonLabel(this.store.buyStatus()));

  protected readonly buyReason = computed(() => {
    const product = this.store.product();
    return product
      ? buyButtonReason(this.store.buyStatus(), {
          product,
          held: this.store.held(),
          openingAnyMoment: this.store.openingAnyMoment(),
          unsettledQuantity: this.store.unsettled()?.request.quantity ?? null,
          formatInstant: this.formatInstant,
        })
      : null;
  });

  protected readonly message = computed<PurchaseMessage | null>(() => {
    const purchase = this.store.purchase();
    const product = this.store.product();
    return purchase.status === 'done' && product
      ? describeOutcome(purchase.outcome, {
          productName: product.name,
          formatInstant: this.formatInstant,
          outcomeUnknown: purchase.outcomeUnknown,
        })
      : null;
  });

  /**
   * Said once (politely) when a drop that could not be loaded comes back; the error panel, which
   * was an alert, is gone by then. Empty otherwise, so nothing is repeated.
   */
  protected readonly connectionNote = linkedSignal<string, { wasDown: boolean; text: string }>({
    source: () => this.store.productState().status,
    computation: (status, previous) => {
      const wasDown = previous?.value.wasDown ?? false;
      if (status === 'error') {
        return { wasDown: true, text: '' };
      }
      if (status === 'ready' && wasDown) {
        return { wasDown: false, text: 'Connected again: the drop is back.' };
      }
      return { wasDown: status === 'loading' && wasDown, text: previous?.value.text ?? '' };
    },
  });

  /** How many one order may hold, and what is left of the buyer's allowance, in one sentence. */
  protected readonly limitText = computed(() => {
    const product = this.store.product();
    return product
      ? limitSentence({ product, signedIn: this.session.signedIn(), held: this.store.held() })
      : '';
  });

  /** The drop's waiting room has something to say (it has one and the page knows it). */
  protected readonly showsQueue = computed(() => !['checking', 'off'].includes(this.queue.phase()));

  /**
   * Buy now as ever, unless the drop sells through a waiting room and the buyer's turn has not come
   * (or has gone). An attempt whose outcome is unknown keeps it: only re-sending it can tell.
   */
  protected readonly showsBuy = computed(() => !this.queue.holdsBuyBack() || this.store.unsettled() !== null);

  /** Where sign-in sends the buyer back to. */
  protected readonly dropUrl = computed(() => `/drops/${this.store.productId() ?? this.id()}`);

  private readonly outcome = viewChild<ElementRef<HTMLElement>>('outcome');

  constructor() {
    this.store.connect(this.id);
    this.focusEachOutcome();
    this.queue.connect(this.store.productId, this.store.purchase);
    const title = inject(Title);
    effect(() => {
      const state = this.store.productState();
      if (state.status === 'ready') {
        title.setTitle(`${state.product.name} · Golden Ticket Drop`);
      } else if (state.status === 'not-found') {
        title.setTitle('Drop not found · Golden Ticket Drop');
      }
    });
  }

  /**
   * Each answer to Buy now takes the focus to its message, once: the button is disabled while the
   * order is placed, so the focus would otherwise fall back to the page, and a screen reader hears
   * the message as it lands on it (which is why the message is not also a live region: it would be
   * read twice). Focusing also brings it into view; a phone, where it sits below the fold, is
   * scrolled to put it in the middle.
   */
  private focusEachOutcome(): void {
    let focusedFor: unknown = null;
    afterRenderEffect(() => {
      const purchase = this.store.purchase();
      const element = this.outcome()?.nativeElement;
      if (purchase.status !== 'done' || !element || focusedFor === purchase) {
        return;
      }
      focusedFor = purchase;
      element.focus({ preventScroll: true });
      element.scrollIntoView?.({ block: 'center' });
    });
  }

  protected chooseQuantity(event: Event): void {
    this.store.chooseQuantity(Number((event.target as HTMLSelectElement).value));
  }

  /** Buy now, or sign in first where the drop limits purchases per buyer. */
  protected buy(): void {
    if (this.store.buy() === 'sign-in-first') {
      void this.router.navigate(['/sign-in'], { queryParams: { returnUrl: this.dropUrl() } });
    }
  }
}
