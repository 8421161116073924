import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  linkedSignal,
  LOCALE_ID,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { Router, RouterLink } from '@angular/router';
import type { DropState, Product } from '@gtd/shared-contracts';
import {
  BuyerSession,
  countdown,
  effectiveDropState,
  InventoryPoller,
  InventoryState,
  nextScheduleBoundary,
  parseInstant,
  ProductsClient,
  PurchaseAttempt,
  PurchaseClient,
  PurchaseOutcome,
  PurchaseState,
  ServerDropView,
} from '@gtd/web-data-access';
import { catchError, EMPTY, map, Observable, of, startWith, Subscription, switchMap, timer } from 'rxjs';
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
import { describeOutcome, PurchaseMessage } from './purchase-message';

type ProductState =
  | { readonly status: 'loading' }
  /** `askedAtMs`: when the product was requested, to weigh its `state` against later polls. */
  | { readonly status: 'ready'; readonly product: Product; readonly askedAtMs: number }
  | { readonly status: 'not-found' }
  | { readonly status: 'error' };

/** A positive integer id from the URL, or `null` (then the page is "not found" without a request). */
export function parseProductId(raw: string | null | undefined): number | null {
  if (!raw || !/^\d{1,9}$/.test(raw)) {
    return null;
  }
  const id = Number(raw);
  return id > 0 ? id : null;
}

const LOADING: InventoryState = { status: 'loading' };

/** When a 429 gives no `Retry-After`, Buy now rests this long. */
const DEFAULT_RATE_LIMIT_PAUSE_S = 5;

/** What this page learnt about how much the signed-in buyer holds of this drop (a lower bound). */
interface Holding {
  readonly buyerId: string;
  readonly productId: number;
  readonly held: number;
}

/** `/drops/:id`: one drop with its state, countdown, live count and Buy now. */
@Component({
  selector: 'gtd-drop-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [Countdown, DropStateBadge, InstantPipe, MoneyPipe, NotFound, RouterLink, StockMeter],
  templateUrl: './drop-page.html',
  styleUrl: './drop-page.css',
})
export class DropPage {
  /** The `:id` route parameter (bound by `withComponentInputBinding()`). */
  readonly id = input.required<string>();

  private readonly products = inject(ProductsClient);
  private readonly poller = inject(InventoryPoller);
  private readonly purchases = inject(PurchaseClient);
  private readonly session = inject(BuyerSession);
  private readonly router = inject(Router);
  private readonly title = inject(Title);
  private readonly locale = inject(LOCALE_ID);
  private readonly destroyRef = inject(DestroyRef);

  private readonly reloads = signal(0);

  protected readonly productState = toSignal(
    toObservable(computed(() => ({ id: parseProductId(this.id()), reload: this.reloads() }))).pipe(
      switchMap(({ id }) => this.loadProduct(id)),
    ),
    { initialValue: { status: 'loading' } as ProductState },
  );

  protected readonly product = computed(() => {
    const state = this.productState();
    return state.status === 'ready' ? state.product : null;
  });

  private readonly productId = computed(() => this.product()?.id ?? null);

  /** The live count; the subscription ends with the page. */
  protected readonly inventory = toSignal(
    toObservable(this.productId).pipe(
      switchMap((id) => (id === null ? of(LOADING) : this.poller.watch(id))),
      takeUntilDestroyed(),
    ),
    { initialValue: LOADING },
  );

  /** The last count the API reported (the catalogue's until the first poll answers). */
  protected readonly lastKnown = linkedSignal<
    { inventory: InventoryState; product: Product | null },
    number | null
  >({
    source: () => ({ inventory: this.inventory(), product: this.product() }),
    computation: ({ inventory, product }, previous) =>
      inventory.status === 'live' ? inventory.available : (previous?.value ?? product?.available ?? null),
  });

  /** The last poll answer for this product, kept while reconnecting (a state is not a count). */
  private readonly lastPoll = linkedSignal<
    { inventory: InventoryState; productId: number | null },
    ServerDropView | null
  >({
    source: () => ({ inventory: this.inventory(), productId: this.productId() }),
    computation: ({ inventory, productId }, previous) => {
      if (inventory.status === 'live') {
        return { state: inventory.dropState, available: inventory.available, askedAtMs: inventory.askedAtMs };
      }
      return previous && previous.source.productId === productId ? previous.value : null;
    },
  });

  /** The server's newest word on the drop: the latest poll, or the product as loaded if newer. */
  private readonly serverView = computed<ServerDropView | null>(() => {
    const state = this.productState();
    if (state.status !== 'ready') {
      return null;
    }
    const poll = this.lastPoll();
    const loaded: ServerDropView = {
      state: state.product.state,
      available: state.product.available,
      askedAtMs: state.askedAtMs,
    };
    return poll && poll.askedAtMs >= loaded.askedAtMs ? poll : loaded;
  });

  /** The page's clock: ticks each second before the opening, at the end, and otherwise not at all. */
  protected readonly now = signal(Date.now());

  private readonly scheduleBoundary = computed(
    () => {
      const product = this.product();
      return product ? nextScheduleBoundary(product, this.now()) : null;
    },
    { equal: (a, b) => a?.atMs === b?.atMs && a?.stepMs === b?.stepMs },
  );

  /** Where the drop stands right now (server state, moved on by the clock at startsAt / endsAt). */
  protected readonly dropState = computed<DropState | null>(() => {
    const view = this.serverView();
    const product = this.product();
    return view && product ? effectiveDropState(view, product, this.now()) : null;
  });

  protected readonly stateLabel = computed(() => {
    const state = this.dropState();
    return state ? DROP_STATE_LABELS[state] : '';
  });

  protected readonly startsAtMs = computed(() => parseInstant(this.product()?.startsAt));

  /** The countdown reached zero but the server has not opened yet (its clock runs behind ours). */
  protected readonly openingAnyMoment = computed(() => {
    const startsAtMs = this.startsAtMs();
    return this.dropState() === 'upcoming' && startsAtMs !== null && this.now() >= startsAtMs;
  });

  protected readonly soldOut = computed(() => this.dropState() === 'sold_out');

  protected readonly signedIn = this.session.signedIn;

  /** A drop with a per-buyer limit sells only to signed-in buyers. */
  protected readonly needsSignIn = computed(() => {
    const product = this.product();
    return product !== null && product.perBuyerLimit !== null && !this.signedIn();
  });

  private readonly holding = signal<Holding | null>(null);

  /** How many the signed-in buyer is known to hold (0 when unknown). */
  protected readonly held = computed(() => {
    const holding = this.holding();
    const buyer = this.session.buyer();
    return holding && buyer && holding.buyerId === buyer.id && holding.productId === this.productId()
      ? holding.held
      : 0;
  });

  protected readonly limitReached = computed(() => {
    const limit = this.product()?.perBuyerLimit ?? null;
    return limit !== null && this.signedIn() && this.held() >= limit;
  });

  /** Set after a 429: Buy now rests until then. */
  private readonly rateLimitedUntil = signal<number | null>(null);
  private rateLimitTimer: Subscription | null = null;

  /** 1 … min(per-purchase maximum, what is left, what the per-buyer limit still allows). */
  protected readonly maxQuantity = computed(() => {
    const product = this.product();
    if (!product) {
      return 0;
    }
    const left = this.lastKnown() ?? product.maxQuantityPerPurchase;
    const limitLeft =
      product.perBuyerLimit === null ? Number.POSITIVE_INFINITY : product.perBuyerLimit - this.held();
    return Math.max(0, Math.min(product.maxQuantityPerPurchase, left, limitLeft));
  });

  protected readonly quantityOptions = computed(() =>
    Array.from({ length: this.maxQuantity() }, (_, i) => i + 1),
  );

  private readonly chosenQuantity = signal(1);

  /** The choice, kept within range when the count drops under it. */
  protected readonly quantity = computed(() =>
    Math.max(1, Math.min(this.chosenQuantity(), this.maxQuantity())),
  );

  protected readonly purchase = signal<PurchaseState>({ status: 'idle' });

  protected readonly pending = computed(() => this.purchase().status === 'pending');

  protected readonly canBuy = computed(
    () =>
      this.product() !== null &&
      !this.pending() &&
      this.dropState() === 'live' &&
      !this.limitReached() &&
      this.rateLimitedUntil() === null &&
      this.maxQuantity() >= 1,
  );

  /** What the Buy button says (why it cannot be pressed, when it cannot). */
  protected readonly buyLabel = computed(() => {
    if (this.pending()) {
      return 'Buying…';
    }
    switch (this.dropState()) {
      case 'upcoming':
        return 'Not open yet';
      case 'paused':
        return 'Paused';
      case 'sold_out':
        return 'Sold out';
      case 'ended':
        return 'Ended';
    }
    if (this.limitReached()) {
      return 'Limit reached';
    }
    if (this.rateLimitedUntil() !== null) {
      return 'Please wait…';
    }
    return this.needsSignIn() ? 'Sign in to buy' : 'Buy now';
  });

  /** Shown next to the button and tied to it with `aria-describedby`. */
  protected readonly buyReason = computed<string | null>(() => {
    const product = this.product();
    if (!product || this.pending()) {
      return null;
    }
    switch (this.dropState()) {
      case 'upcoming':
        return this.openingAnyMoment()
          ? 'Opening any moment now. This page switches to live by itself.'
          : product.startsAt
            ? `Buying opens ${this.formatInstant(product.startsAt)}. This page switches to live by itself.`
            : 'Buying has not opened yet. This page switches to live by itself.';
      case 'paused':
        return 'The seller has paused this drop. It may resume at any moment; this page updates by itself.';
      case 'sold_out':
        return `Every ${product.name} has been claimed.`;
      case 'ended':
        return product.endsAt
          ? `This drop ended ${this.formatInstant(product.endsAt)}.`
          : 'This drop has ended.';
    }
    if (this.limitReached()) {
      return `You hold ${this.held()}: the limit is ${product.perBuyerLimit} per buyer.`;
    }
    if (this.rateLimitedUntil() !== null) {
      return 'Too many attempts: Buy now is back in a few seconds.';
    }
    if (this.needsSignIn()) {
      return `Limited to ${product.perBuyerLimit} per buyer: sign in to buy.`;
    }
    return null;
  });

  protected readonly message = computed<PurchaseMessage | null>(() => {
    const purchase = this.purchase();
    const product = this.product();
    return purchase.status === 'done' && product
      ? describeOutcome(purchase.outcome, {
          productName: product.name,
          formatInstant: (iso) => this.formatInstant(iso),
        })
      : null;
  });

  /** Where sign-in sends the buyer back to. */
  protected readonly dropUrl = computed(() => `/drops/${this.productId() ?? this.id()}`);

  constructor() {
    // The clock: whole-second ticks towards the opening, one tick at the end; at each boundary the
    // server is asked at once to confirm what the clock says.
    toObservable(this.scheduleBoundary)
      .pipe(
        switchMap((boundary) =>
          boundary === null
            ? EMPTY
            : countdown(boundary.atMs, boundary.stepMs).pipe(map((left) => left === 0)),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((reached) => {
        this.now.set(Date.now());
        const id = this.productId();
        if (reached && id !== null) {
          this.poller.refresh(id);
        }
      });

    // The server still says "upcoming" after our countdown ended: either its clock is behind ours
    // or the operator moved the opening. Reload the product once per opening time to find out.
    let reloadedFor: string | null = null;
    effect(() => {
      const product = this.product();
      const view = this.serverView();
      const startsAtMs = this.startsAtMs();
      if (
        product?.startsAt &&
        view?.state === 'upcoming' &&
        startsAtMs !== null &&
        view.askedAtMs >= startsAtMs &&
        reloadedFor !== product.startsAt
      ) {
        reloadedFor = product.startsAt;
        this.reloadProduct();
      }
    });

    effect(() => {
      const state = this.productState();
      if (state.status === 'ready') {
        this.title.setTitle(`${state.product.name} · Golden Ticket Drop`);
      } else if (state.status === 'not-found') {
        this.title.setTitle('Drop not found · Golden Ticket Drop');
      }
    });

    this.destroyRef.onDestroy(() => this.rateLimitTimer?.unsubscribe());
  }

  protected chooseQuantity(event: Event): void {
    const value = Number((event.target as HTMLSelectElement).value);
    if (Number.isInteger(value) && value > 0) {
      this.chosenQuantity.set(value);
    }
  }

  /** Buy now: a new attempt with a new `Idempotency-Key` (or sign-in first, where the drop needs it). */
  protected buy(): void {
    const product = this.product();
    if (!product || !this.canBuy()) {
      return;
    }
    if (this.needsSignIn()) {
      this.goToSignIn();
      return;
    }
    this.send(this.purchases.attempt({ productId: product.id, quantity: this.quantity() }));
  }

  /** Try again after a network failure: the same attempt, the same key, so it cannot buy twice. */
  protected retry(): void {
    const purchase = this.purchase();
    if (purchase.status === 'done' && !this.pending()) {
      this.send(purchase.attempt);
    }
  }

  protected reloadProduct(): void {
    this.reloads.update((n) => n + 1);
  }

  private goToSignIn(): void {
    void this.router.navigate(['/sign-in'], { queryParams: { returnUrl: this.dropUrl() } });
  }

  private send(attempt: PurchaseAttempt): void {
    const buyerId = this.session.buyer()?.id ?? null;
    this.purchase.set({ status: 'pending', attempt });
    this.purchases
      .send(attempt)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((outcome) => {
        this.learnFrom(outcome, attempt, buyerId);
        this.purchase.set({ status: 'done', attempt, outcome });
        // Whatever the answer, the count may have changed: show it now, not at the next tick.
        this.poller.refresh(attempt.request.productId);
      });
  }

  /** Keeps what an answer says about this buyer's holdings and about waiting. */
  private learnFrom(outcome: PurchaseOutcome, attempt: PurchaseAttempt, buyerId: string | null): void {
    const { productId, quantity } = attempt.request;
    if (outcome.kind === 'limit-reached' && buyerId !== null && outcome.bought !== null) {
      this.holding.set({ buyerId, productId, held: outcome.bought });
    } else if (outcome.kind === 'success' && buyerId !== null) {
      const before = this.holding();
      const held = before && before.buyerId === buyerId && before.productId === productId ? before.held : 0;
      this.holding.set({ buyerId, productId, held: held + quantity });
    } else if (outcome.kind === 'rate-limited') {
      const seconds = outcome.retryAfterSeconds ?? DEFAULT_RATE_LIMIT_PAUSE_S;
      this.rateLimitedUntil.set(Date.now() + seconds * 1000);
      this.rateLimitTimer?.unsubscribe();
      this.rateLimitTimer = timer(seconds * 1000).subscribe(() => this.rateLimitedUntil.set(null));
    }
  }

  private formatInstant(iso: string): string {
    return formatInstant(iso, this.locale);
  }

  private loadProduct(id: number | null): Observable<ProductState> {
    if (id === null) {
      return of({ status: 'not-found' });
    }
    // A reload of the drop already shown (e.g. to pick up a new opening time) keeps it on screen.
    const current = this.productState();
    const shown = current.status === 'ready' && current.product.id === id ? current : null;
    const askedAtMs = Date.now();
    const load$ = this.products.find(id).pipe(
      map(
        (product): ProductState =>
          product ? { status: 'ready', product, askedAtMs } : { status: 'not-found' },
      ),
      catchError(() => of<ProductState>(shown ?? { status: 'error' })),
    );
    return shown ? load$ : load$.pipe(startWith<ProductState>({ status: 'loading' }));
  }
}
