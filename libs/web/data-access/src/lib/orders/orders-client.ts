import { HttpClient, HttpErrorResponse, HttpParams } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, MyOrdersPage, Order, OrderTicket } from '@gtd/shared-contracts';
import { catchError, Observable, of, throwError } from 'rxjs';
import { injectApiUrl } from '../config/api-config';

/** A 404 (`ORDER_NOT_FOUND`) or a 400 (not an order id at all) both mean: there is no such order. */
function nullWhenUnknown<T>(source: Observable<T>): Observable<T | null> {
  return source.pipe(
    catchError((error: unknown) =>
      error instanceof HttpErrorResponse && (error.status === 404 || error.status === 400)
        ? of(null)
        : throwError(() => error),
    ),
  );
}

/**
 * Reads confirmed orders: `GET /orders/{id}` and its ticket (reachable by whoever holds the order
 * id), and the signed-in buyer's own `GET /me/orders` (the bearer interceptor adds the token).
 */
@Injectable({ providedIn: 'root' })
export class OrdersClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();

  /** The order, or `null` when the API does not know it; any other failure errors. */
  find(orderId: string): Observable<Order | null> {
    return nullWhenUnknown(this.http.get<Order>(this.apiUrl(ApiRoutes.order(orderId))));
  }

  /** The order's signed ticket, or `null` when the API does not know the order. */
  ticket(orderId: string): Observable<OrderTicket | null> {
    return nullWhenUnknown(this.http.get<OrderTicket>(this.apiUrl(ApiRoutes.orderTicket(orderId))));
  }

  /** One page of the signed-in buyer's orders, oldest first; `after` is the previous page's `nextCursor`. */
  mine(after: string | null = null, limit?: number): Observable<MyOrdersPage> {
    let params = new HttpParams();
    if (after !== null) params = params.set('after', after);
    if (limit !== undefined) params = params.set('limit', limit);
    return this.http.get<MyOrdersPage>(this.apiUrl(ApiRoutes.myOrders), { params });
  }
}
