import {
  ChangeDetectionStrategy,
  Component,
  computed,
  DestroyRef,
  effect,
  inject,
  input,
  linkedSignal,
  signal,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import type { Product, PurchaseRequest } from '@gtd/shared-contracts';
import {
  InventoryPoller,
  InventoryState,
  ProductsClient,
  PurchaseClient,
  PurchaseState,
} from '@gtd/web-drop';
import { catchError, map, Observable, of, startWith, switchMap } from 'rxjs';
import { MoneyPipe } from '../money/money';
import { NotFound } from '../not-found/not-found';
import { describeOutcome, PurchaseMessage } from './purchase-message';
import { StockMeter } from './stock-meter';

type ProductState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly product: Product }
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

/** `/drops/:id`: one drop with its live count and Buy now. */
@Component({
  selector: 'gtd-drop-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MoneyPipe, NotFound, StockMeter],
  templateUrl: './drop-page.html',
  styleUrl: './drop-page.css',
})
export class DropPage {
  /** The `:id` route parameter (bound by `withComponentInputBinding()`). */
  readonly id = input.required<string>();

  private readonly products = inject(ProductsClient);
  private readonly poller = inject(InventoryPoller);
  private readonly purchases = inject(PurchaseClient);
  private readonly title = inject(Title);
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

  protected readonly soldOut = computed(() => {
    const inventory = this.inventory();
    return inventory.status === 'live' && inventory.available === 0;
  });

  /** 1 … min(per-purchase maximum, what is left). */
  protected readonly maxQuantity = computed(() => {
    const product = this.product();
    if (!product) {
      return 0;
    }
    const left = this.lastKnown() ?? product.maxQuantityPerPurchase;
    return Math.max(0, Math.min(product.maxQuantityPerPurchase, left));
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
    () => this.product() !== null && !this.pending() && !this.soldOut() && this.maxQuantity() >= 1,
  );

  protected readonly message = computed<PurchaseMessage | null>(() => {
    const purchase = this.purchase();
    const product = this.product();
    return purchase.status === 'done' && product ? describeOutcome(purchase.outcome, product.name) : null;
  });

  constructor() {
    effect(() => {
      const state = this.productState();
      if (state.status === 'ready') {
        this.title.setTitle(`${state.product.name} · Golden Ticket Drop`);
      } else if (state.status === 'not-found') {
        this.title.setTitle('Drop not found · Golden Ticket Drop');
      }
    });
  }

  protected chooseQuantity(event: Event): void {
    const value = Number((event.target as HTMLSelectElement).value);
    if (Number.isInteger(value) && value > 0) {
      this.chosenQuantity.set(value);
    }
  }

  protected buy(): void {
    const product = this.product();
    if (!product || !this.canBuy()) {
      return;
    }
    this.send({ productId: product.id, quantity: this.quantity() });
  }

  /** Sends the same request again after a network failure. */
  protected retry(): void {
    const purchase = this.purchase();
    if (purchase.status === 'done' && !this.pending()) {
      this.send(purchase.request);
    }
  }

  protected reloadProduct(): void {
    this.reloads.update((n) => n + 1);
  }

  private send(request: PurchaseRequest): void {
    this.purchase.set({ status: 'pending', request });
    this.purchases
      .buy(request)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe((outcome) => {
        this.purchase.set({ status: 'done', request, outcome });
        // Whatever the answer, the count may have changed: show it now, not at the next tick.
        this.poller.refresh(request.productId);
      });
  }

  private loadProduct(id: number | null): Observable<ProductState> {
    if (id === null) {
      return of({ status: 'not-found' });
    }
    return this.products.find(id).pipe(
      map((product): ProductState => (product ? { status: 'ready', product } : { status: 'not-found' })),
      catchError(() => of<ProductState>({ status: 'error' })),
      startWith<ProductState>({ status: 'loading' }),
    );
  }
}
