import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { RouterLink } from '@angular/router';
import type { Product } from '@gtd/shared-contracts';
import { ProductsClient } from '@gtd/web-data-access';
import { catchError, map, of, startWith, switchMap } from 'rxjs';
import { DropStateBadge, InstantPipe, MoneyPipe } from '@gtd/web-ui';

/** The product featured on the home page: the Golden Ticket. */
export const FEATURED_PRODUCT_ID = 1;

type CatalogueState =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly products: readonly Product[] }
  | { readonly status: 'error' };

/** `/`: every drop with its state, the Golden Ticket featured. */
@Component({
  selector: 'gtd-catalogue',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [DropStateBadge, InstantPipe, MoneyPipe, RouterLink],
  templateUrl: './catalogue.html',
  styleUrl: './catalogue.css',
})
export class Catalogue {
  private readonly products = inject(ProductsClient);
  private readonly reloads = signal(0);

  protected readonly state = toSignal(
    toObservable(this.reloads).pipe(
      switchMap(() =>
        this.products.list().pipe(
          map((products): CatalogueState => ({ status: 'ready', products })),
          catchError(() => of<CatalogueState>({ status: 'error' })),
          startWith<CatalogueState>({ status: 'loading' }),
        ),
      ),
    ),
    { initialValue: { status: 'loading' } as CatalogueState },
  );

  private readonly all = computed(() => {
    const state = this.state();
    return state.status === 'ready' ? state.products : [];
  });

  protected readonly featured = computed(() => this.all().find((p) => p.id === FEATURED_PRODUCT_ID) ?? null);

  protected readonly others = computed(() => this.all().filter((p) => p.id !== FEATURED_PRODUCT_ID));

  protected reload(): void {
    this.reloads.update((n) => n + 1);
  }
}
