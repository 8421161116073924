import { HttpClient } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { AdminProduct, ApiRoutes } from '@gtd/shared-contracts';
import { injectApiUrl } from '@gtd/web-data-access';
import { Observable } from 'rxjs';

/** The operator API (`/admin/…`); the bearer is added by operatorTokenInterceptor. */
@Injectable({ providedIn: 'root' })
export class AdminClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();

  /** Every drop, paused ones included. */
  listProducts(): Observable<AdminProduct[]> {
    return this.http.get<AdminProduct[]>(this.apiUrl(ApiRoutes.admin.products));
  }
}
