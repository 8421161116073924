import type { Product } from '@gtd/shared-contracts';
import { catchError, map, Observable, of, startWith } from 'rxjs';

/** The product behind a drop page, as far as it is loaded. */
export type ProductState =
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

/**
 * Loads product `id` with `find` (`ProductsClient.find`). A reload of the drop already shown (to
 * pick up a new opening time) keeps it on screen: no loading state first, and a failed reload
 * leaves it as it was.
 */
export function loadProduct(
  find: (id: number) => Observable<Product | null>,
  id: number | null,
  current: ProductState,
): Observable<ProductState> {
  if (id === null) {
    return of({ status: 'not-found' });
  }
  const shown = current.status === 'ready' && current.product.id === id ? current : null;
  const askedAtMs = Date.now();
  const load$ = find(id).pipe(
    map(
      (product): ProductState =>
        product ? { status: 'ready', product, askedAtMs } : { status: 'not-found' },
    ),
    catchError(() => of<ProductState>(shown ?? { status: 'error' })),
  );
  return shown ? load$ : load$.pipe(startWith<ProductState>({ status: 'loading' }));
}
