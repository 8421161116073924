import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, Product } from '@gtd/shared-contracts';
import { catchError, Observable, of, throwError } from 'rxjs';
import { injectApiUrl } from '../config/api-config';

/** Reads the catalogue: `GET /products` and `GET /products/{id}`. */
@Injectable({ providedIn: 'root' })
export class ProductsClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();

  list(): Observable<Product[]> {
    return this.http.get<Product[]>(this.apiUrl(ApiRoutes.products));
  }

  /** The product, or `null` when the API says it does not exist; any other failure errors. */
  find(id: number): Observable<Product | null> {
    return this.http
      .get<Product>(this.apiUrl(ApiRoutes.product(id)))
      .pipe(
        catchError((error: unknown) =>
          error instanceof HttpErrorResponse && (error.status === 404 || error.status === 400)
            ? of(null)
            : throwError(() => error),
        ),
      );
  }
}
