import {
  computed,
  DestroyRef,
  effect,
  inject,
  Injectable,
  linkedSignal,
  Signal,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import type { DropState, Product } from '@gtd/shared-contracts';
import { EMPTY, map, of, switchMap } from 'rxjs';
import { BuyerSession } from '../auth/buyer-session';
import { INVENTORY_MAX_BACKOFF_MS, INVENTORY_POLL_INTERVAL_MS } from '../config/api-config';
import { InventoryPoller } from '../inventory/inventory-poller';
import { InventoryState } from '../inventory/inventory-state';
import { OrderHistory } from '../orders/order-history';
import { ProductsClient } from '../products/products-client';
import { QueueHoldings } from '../queue/queue-holdings';
import { PurchaseClient } from '../purchase/purchase-client';
import { PurchaseAttempt, PurchaseState } from '../purchase/purchase-outcome';
import { unsettledAfter, UnsettledPurchases } from '../purchase/unsettled-purchase';
import { countdown } from '../schedule/countdown';
import {
  effectiveDropState,
  nextScheduleBoundary,
  parseInstant,
  ServerDropView,
} from '../schedule/drop-schedule';
import { LoadBackoff, loadProduct, parseProductId, ProductState } from './drop-product';
import { RateLimitRest } from './rate-limit-rest';
import { heldBy, Holding, learnHolding } from './holding';

const LOADING: InventoryState = { status: 'loading' };

/** Where Buy now stands, in the order a buyer is told why it cannot be pressed. */
export type BuyStatus =
  /** A purchase is in flight. */
  | 'buying'
  /** The drop is not live. */
  | Exclude<DropState, 'live'>
  /** The signed-in buyer holds as many as the per-buyer limit allows. */
  | 'limit-reached'
  /** After a 429, until its `Retry-After` has passed. */
  | 'rate-limited'
  /** The last attempt's outcome is unknown: Buy now re-sends it (same key, same quantity). */
  | 'unsettled'
  /** The drop has a per-buyer limit and nobody is signed in: Buy now leads to sign-in. */
  | 'sign-in'
  | 'ready';

/** What a press of Buy now did: sent an attempt, needs the buyer to sign in first, or nothing. */
export type BuyResult = 'sent' | 'sign-in-first' | 'ignored';

/**
 * One drop as its page shows it, and the buyer's purchase of it: the product, its live count, the
 * page's clock (which opens and ends the drop on the second), the per-buyer limit, the purchase
 * (idle → pending → done, with Retry re-sending the same attempt), the attempt whose outcome is
 * unknown (which Buy now re-sends until an answer settles it) and the rest after a 429.
 *
 * Provide it in the page (`providers: [DropStore]`) and `connect` the route's id: one store per
 * page, and its polling, clock and timers end with it.
 */
@Injectable()
export class DropStore {
  private readonly products = inject(ProductsClient);
  private readonly poller = inject(InventoryPoller);
  private readonly purchases = inject(PurchaseClient);
  private readonly destroyRef = inject(DestroyRef);
  private readonly session = inject(BuyerSession);
  private readonly unsettledPurchases = inject(UnsettledPurchases);
  private readonly queueHoldings = inject(QueueHoldings);
  private readonly orderHistory = inject(OrderHistory);

  private readonly loadBackoff: LoadBackoff = {
    intervalMs: inject(INVENTORY_POLL_INTERVAL_MS),
    maxBackoffMs: inject(INVENTORY_MAX_BACKOFF_MS),
  };

  /** The id from the URL, as the page's input holds it (a signal of a signal, set by `connect`). */
  private readonly routeId = signal<Signal<string | null | undefined>>(signal(undefined));
  private readonly reloads = signal(0);

  readonly productState: Signal<ProductState> = toSignal(
    toObservable(computed(() => ({ id: parseProductId(this.routeId()()), reload: this.reloads() }))).pipe(
      switchMap(({ id }) =>
        loadProduct((i) => this.products.find(i), id, this.productState(), this.loadBackoff),
      ),
    ),
    { initialValue: { status: 'loading' } },
  );

  readonly product = computed(() => {
    const state = this.productState();
    return state.status === 'ready' ? state.product : null;
  });

  readonly productId = computed(() => this.product()?.id ?? null);

  /** The live count. */
  readonly inventory = toSignal(
    toObservable(this.productId).pipe(
      switchMap((id) => (id === null ? of(LOADING) : this.poller.watch(id))),
      takeUntilDestroyed(),
    ),
    { initialValue: LOADING },
  );

  /** The last count the API reported (the catalogue's until the first poll answers). */
  readonly lastKnown = linkedSignal<{ inventory: InventoryState; product: Product | null }, number | null>({
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

  private readonly clock = signal(Date.now());
  /** The page's clock: ticks each second before the opening, at the end, and otherwise not at all. */
  readonly now = this.clock.asReadonly();

  private readonly scheduleBoundary = computed(
    () => {
      const product = this.product();
      return product ? nextScheduleBoundary(product, this.now()) : null;
    },
    { equal: (a, b) => a?.atMs === b?.atMs && a?.stepMs === b?.stepMs },
  );

  /** Where the drop stands right now (server state, moved on by the clock at startsAt / endsAt). */
  readonly dropState = computed<DropState | null>(() => {
    const view = this.serverView();
    const product = this.product();
    return view && product ? effectiveDropState(view, product, this.now()) : null;
  });

  readonly startsAtMs = computed(() => parseInstant(this.product()?.startsAt));

  /** The countdown reached zero but the server has not opened yet (its clock runs behind ours). */
  readonly openingAnyMoment = computed(() => {
    const startsAtMs = this.startsAtMs();
    return this.dropState() === 'upcoming' && startsAtMs !== null && this.now() >= startsAtMs;
  });

  /** A drop with a per-buyer limit sells only to signed-in buyers. */
  readonly needsSignIn = computed(() => {
    const product = this.product();
    return product !== null && product.perBuyerLimit !== null && !this.session.signedIn();
  });

  private readonly holding = signal<Holding | null>(null);

  /** How many the signed-in buyer is known to hold (0 when unknown). */
  readonly held = computed(() => heldBy(this.holding(), this.session.buyer()?.id ?? null, this.productId()));

  readonly limitReached = computed(() => {
    const limit = this.product()?.perBuyerLimit ?? null;
    return limit !== null && this.session.signedIn() && this.held() >= limit;
  });

  private readonly rateLimitRest = new RateLimitRest(this.destroyRef);
  readonly rateLimited = this.rateLimitRest.resting;

  /**
   * This buyer's attempt on this drop whose outcome is unknown (its answer was lost, or a 5xx did
   * not say), also from before a reload; `null` when there is none. While it is set, every way of
   * trying again re-sends it, with its key and quantity: the server then answers with the sale it
   * may have made, or decides it now — it can never sell it twice.
   */
  readonly unsettled = computed<PurchaseAttempt | null>(() => {
    const productId = this.productId();
    return productId === null
      ? null
      : this.unsettledPurchases.find(productId, this.session.buyer()?.id ?? null);
  });

  /** 1 … min(per-purchase maximum, what is left, what the per-buyer limit still allows). */
  readonly maxQuantity = computed(() => {
    const product = this.product();
    if (!product) {
      return 0;
    }
    const left = this.lastKnown() ?? product.maxQuantityPerPurchase;
    const limitLeft =
      product.perBuyerLimit === null ? Number.POSITIVE_INFINITY : product.perBuyerLimit - this.held();
    return Math.max(0, Math.min(product.maxQuantityPerPurchase, left, limitLeft));
  });

  /** While an attempt is unsettled, only its quantity: another one would be another order. */
  readonly quantityOptions = computed(() => {
    const unsettled = this.unsettled();
    return unsettled
      ? [unsettled.request.quantity]
      : Array.from({ length: this.maxQuantity() }, (_, i) => i + 1);
  });

  private readonly chosenQuantity = signal(1);

  /** The choice, kept within range when the count drops under it; the unsettled attempt's while there is one. */
  readonly quantity = computed(
    () =>
      this.unsettled()?.request.quantity ?? Math.max(1, Math.min(this.chosenQuantity(), this.maxQuantity())),
  );

  private readonly purchaseState = signal<PurchaseState>({ status: 'idle' });
  /** The latest attempt: idle, pending, or done with its outcome. */
  readonly purchase = this.purchaseState.asReadonly();

  readonly pending = computed(() => this.purchase().status === 'pending');

  /**
   * Whether Buy now can be pressed. With an unsettled attempt it can whatever the drop shows (sold
   * out, paused, ended): the server looks the key up before any of those checks, so the re-sent
   * attempt still learns whether it was sold — perhaps the very last one.
   */
  readonly canBuy = computed(
    () =>
      this.product() !== null &&
      !this.pending() &&
      !this.rateLimited() &&
      (this.unsettled() !== null ||
        (this.dropState() === 'live' && !this.limitReached() && this.maxQuantity() >= 1)),
  );

  /** The quantity can be changed only when Buy now would start a new attempt. */
  readonly canChooseQuantity = computed(() => this.canBuy() && this.unsettled() === null);

  readonly buyStatus = computed<BuyStatus>(() => {
    if (this.pending()) {
      return 'buying';
    }
    if (this.unsettled()) {
      return this.rateLimited() ? 'rate-limited' : 'unsettled';
    }
    const state = this.dropState();
    if (state !== null && state !== 'live') {
      return state;
    }
    if (this.limitReached()) {
      return 'limit-reached';
    }
    if (this.rateLimited()) {
      return 'rate-limited';
    }
    return this.needsSignIn() ? 'sign-in' : 'ready';
  });

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
        this.clock.set(Date.now());
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
        this.reload();
      }
    });
  }

  /** Shows the drop whose id `routeId` holds (the page's `:id` input), now and whenever it changes. */
  connect(routeId: Signal<string | null | undefined>): void {
    this.routeId.set(routeId);
  }

  /** Reads the product again at once (Try again now after a failed load; a moved opening time). */
  reload(): void {
    this.reloads.update((n) => n + 1);
  }

  /**
   * The buyer's choice of quantity; anything but a positive whole number is ignored, and while an
   * attempt is unsettled the choice waits (Buy now re-sends that attempt's quantity).
   */
  chooseQuantity(quantity: number): void {
    if (Number.isInteger(quantity) && quantity > 0) {
      this.chosenQuantity.set(quantity);
    }
  }

  /**
   * Buy now: a new attempt with a new `Idempotency-Key` — or, while the last attempt's outcome is
   * unknown, that attempt again (same key, same quantity). Where the drop needs a signed-in buyer
   * and nobody is, nothing is sent: the caller takes the buyer to sign in.
   */
  buy(): BuyResult {
    const product = this.product();
    if (!product || !this.canBuy()) {
      return 'ignored';
    }
    const unsettled = this.unsettled();
    if (unsettled) {
      this.send(unsettled);
      return 'sent';
    }
    if (this.needsSignIn()) {
      return 'sign-in-first';
    }
    this.send(this.purchases.attempt({ productId: product.id, quantity: this.quantity() }));
    return 'sent';
  }

  /**
   * Try again after an answer that decided nothing: the unsettled attempt if there is one, else the
   * last one, with its key, so it cannot buy twice.
   */
  retry(): void {
    const purchase = this.purchase();
    const attempt = this.unsettled() ?? (purchase.status === 'done' ? purchase.attempt : null);
    if (attempt && !this.pending() && !this.rateLimited()) {
      this.send(attempt);
    }
  }

  private send(attempt: PurchaseAttempt): void {
    const buyerId = this.session.buyer()?.id ?? null;
    const { productId } = attempt.request;
    this.purchaseState.set({ status: 'pending', attempt });
    // A drop behind a waiting room sells to the pass holder; the server judges its expiry.
    const pass = this.queueHoldings.pass(productId, buyerId)?.pass ?? null;
    this.purchases
      .send(attempt, pass)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((outcome) => {
        this.holding.update((before) => learnHolding(before, outcome, attempt.request, buyerId));
        if (outcome.kind === 'success' && buyerId === null) {
          const product = this.product();
          this.orderHistory.recordSale(outcome.result, product?.id === productId ? product.name : undefined);
        }
        if (outcome.kind === 'rate-limited') this.rateLimitRest.rest(outcome.retryAfterSeconds);
        // Kept under the buyer who sent it (a refused token signs them out meanwhile).
        const held = this.unsettledPurchases.find(productId, buyerId);
        const after = unsettledAfter(held, attempt, outcome);
        if (after !== held) {
          this.unsettledPurchases.set(productId, buyerId, after);
        }
        const outcomeUnknown = after?.idempotencyKey === attempt.idempotencyKey;
        this.purchaseState.set({ status: 'done', attempt, outcome, outcomeUnknown });
        // Whatever the answer, the count may have changed: show it now, not at the next tick.
        this.poller.refresh(attempt.request.productId);
      });
  }
}
