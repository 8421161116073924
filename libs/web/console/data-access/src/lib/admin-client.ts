import { HttpClient, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  AdminProduct,
  AdminQueue,
  ApiRoutes,
  AuditEntry,
  CreateDropRequest,
  DropSummary,
  OrderCancellation,
  OrdersPage,
  QueueSettings,
  RestockRequest,
  UpdateDropRequest,
} from '@gtd/shared-contracts';
import { injectApiUrl } from '@gtd/web-data-access';
import { Observable } from 'rxjs';

/** `GET /admin/audit`'s filters and page: every member optional; `before` is the last entry's id seen. */
export interface AuditQuery {
  productId?: number;
  action?: string;
  before?: string;
  limit?: number;
}

/**
 * The operator API (`/admin/…`). Provided by the console's routes, not the root: it must take the
 * console's HttpClient, whose operatorTokenInterceptor adds the bearer (the root one has none).
 */
@Injectable()
export class AdminClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();

  /** One drop as the operator sees it (paused ones too). */
  getProduct(id: number): Observable<AdminProduct> {
    return this.http.get<AdminProduct>(this.apiUrl(ApiRoutes.admin.product(id)));
  }

  createProduct(request: CreateDropRequest): Observable<AdminProduct> {
    return this.http.post<AdminProduct>(this.apiUrl(ApiRoutes.admin.products), request);
  }

  /** Only the members sent change; `null` clears a schedule bound or the per-buyer limit. */
  updateProduct(id: number, change: UpdateDropRequest): Observable<AdminProduct> {
    return this.http.patch<AdminProduct>(this.apiUrl(ApiRoutes.admin.product(id)), change);
  }

  /** A drop's waiting room (its defaults, `enabled: false`, when none was set up). */
  getQueue(id: number): Observable<AdminQueue> {
    return this.http.get<AdminQueue>(this.apiUrl(ApiRoutes.admin.queue(id)));
  }

  /** The whole settings: members left out take the API's defaults. */
  putQueue(id: number, settings: QueueSettings): Observable<AdminQueue> {
    return this.http.put<AdminQueue>(this.apiUrl(ApiRoutes.admin.queue(id)), settings);
  }

  /** Newest first; pass the last entry's `id` as `before` for the next page, with the same filters. */
  auditLog(query: AuditQuery = {}): Observable<AuditEntry[]> {
    let params = new HttpParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params = params.set(key, String(value));
    }
    return this.http.get<AuditEntry[]>(this.apiUrl(ApiRoutes.admin.audit), { params });
  }

  /** Every drop, paused ones included. */
  listProducts(): Observable<AdminProduct[]> {
    return this.http.get<AdminProduct[]>(this.apiUrl(ApiRoutes.admin.products));
  }

  /** Sell-through figures from the store: stock, sold, available, orders, buyers. */
  summary(id: number): Observable<DropSummary> {
    return this.http.get<DropSummary>(this.apiUrl(ApiRoutes.admin.summary(id)));
  }

  pause(id: number): Observable<AdminProduct> {
    return this.http.post<AdminProduct>(this.apiUrl(ApiRoutes.admin.pause(id)), null);
  }

  resume(id: number): Observable<AdminProduct> {
    return this.http.post<AdminProduct>(this.apiUrl(ApiRoutes.admin.resume(id)), null);
  }

  restock(id: number, request: RestockRequest): Observable<AdminProduct> {
    return this.http.post<AdminProduct>(this.apiUrl(ApiRoutes.admin.restock(id)), request);
  }

  /** One page of a drop's orders, in the API's order; `after` is the previous page's `nextCursor`. */
  orders(id: number, limit: number, after: string | null): Observable<OrdersPage> {
    const params: Record<string, string | number> = { limit };
    if (after !== null) params['after'] = after;
    return this.http.get<OrdersPage>(this.apiUrl(ApiRoutes.admin.orders(id)), { params });
  }

  /**
   * Every order as CSV, read through this HttpClient so the interceptor adds the bearer: a plain
   * download link would need the token in its URL, where logs and history would keep it.
   */
  exportOrders(id: number): Observable<Blob> {
    return this.http.get(this.apiUrl(ApiRoutes.admin.ordersExport(id)), { responseType: 'blob' });
  }

  /** Cancels a standing order: its units go back on sale; 409 ORDER_ALREADY_CANCELLED the second time. */
  cancelOrder(orderId: string): Observable<OrderCancellation> {
    return this.http.post<OrderCancellation>(this.apiUrl(ApiRoutes.admin.orderCancel(orderId)), null);
  }
}
