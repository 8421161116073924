import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { AdminProduct, ApiRoutes } from '@gtd/shared-contracts';
import { injectApiUrl } from '@gtd/web-data-access';
import { Observable } from 'rxjs';

/**
 * The operator API (`/admin/…`). Provided by the console's routes, not the root: it must take the
 * console's HttpClient, whose operatorTokenInterceptor adds the bearer (the root one has none).
 */
@Injectable()
export class AdminClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();

  /** Every drop, paused ones included. */
  listProducts(): Observable<AdminProduct[]> {
    return this.http.get<AdminProduct[]>(this.apiUrl(ApiRoutes.admin.products));
  }
}
