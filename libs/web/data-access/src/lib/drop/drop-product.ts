import type { Product } from '@gtd/shared-contracts';
import { catchError, concat, defer, map, Observable, of, retry, startWith, throwError, timer } from 'rxjs';
import { backoffDelay } from '../inventory/inventory-state';

/** The product behind a drop page, as far as it is loaded. */
export type ProductState =
  | { readonly status: 'loading' }
  /** `askedAtMs`: when the product was requested, to weigh its `state` against later polls. */
  | { readonly status: 'ready'; readonly product: Product; readonly askedAtMs: number }
  | { readonly status: 'not-found' }
  /** It could not be loaded: `failures` in a row so far, the next try in `retryInMs`. */
  | { readonly status: 'error'; readonly failures: number; readonly retryInMs: number };

/** How a failed load is tried again: interval × 2^(failures − 1), capped (as the live count's polls). */
export interface LoadBackoff {
  readonly intervalMs: number;
  readonly maxBackoffMs: number;
}

/** Carries the back-off delay from the failed load to `retry`. */
class LoadFailed extends Error {
  constructor(readonly retryInMs: number) {
    super(`product load failed; retrying in ${retryInMs} ms`);
  }
}

/** A positive integer id from the URL, or `null` (then the page is "not found" without a request). */
export function parseProductId(raw: string | null | undefined): number | null {
  if (!raw || !/^\d{1,9}$/.test(raw)) {
    return null;
  }
  const id = Number(raw);
  return id > 0 ? id : null;
}

/**
 * Loads product `id` with `find` (`ProductsClient.find`). A first load that fails says so
 * (`error`) and tries again by itself with exponential back-off until it answers, so a page opened
 * during an outage recovers once the API is back; a reload of the drop already shown (to pick up a
 * new opening time) keeps it on screen: no loading state first, and a failed reload leaves it as it
 * was, untried (the drop's live count has its own retries).
 */
export function loadProduct(
  find: (id: number) => Observable<Product | null>,
  id: number | null,
  current: ProductState,
  backoff: LoadBackoff,
): Observable<ProductState> {
  if (id === null) {
    return of({ status: 'not-found' });
  }
  const shown = current.status === 'ready' && current.product.id === id ? current : null;
  const attempt$ = defer(() => {
    const askedAtMs = Date.now();
    return find(id).pipe(
      map(
        (product): ProductState =>
          product ? { status: 'ready', product, askedAtMs } : { status: 'not-found' },
      ),
    );
  });
  if (shown) {
    return attempt$.pipe(catchError(() => of<ProductState>(shown)));
  }
  let failures = 0;
  const load$ = attempt$.pipe(
    catchError(() => {
      failures += 1;
      const retryInMs = backoffDelay(failures, backoff.intervalMs, backoff.maxBackoffMs);
      return concat(
        of<ProductState>({ status: 'error', failures, retryInMs }),
        throwError(() => new LoadFailed(retryInMs)),
      );
    }),
    retry({ delay: (error: LoadFailed) => timer(error.retryInMs) }),
  );
  return load$.pipe(startWith<ProductState>({ status: 'loading' }));
}
