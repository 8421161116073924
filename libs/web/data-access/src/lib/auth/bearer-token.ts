import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { ErrorCode } from '@gtd/shared-contracts';
import { tap } from 'rxjs';
import { API_BASE_URL } from '../config/api-config';
import { readProblem } from '../http/problem';
import { BuyerSession } from './buyer-session';

/** The request's path on the API, or `null` when it goes anywhere else (never leak the token). */
function apiPath(url: string, baseUrl: string): string | null {
  let path: string;
  if (baseUrl === '') {
    // Same origin: only relative, root-based URLs (`//host/…` is another origin).
    if (!url.startsWith('/') || url.startsWith('//')) {
      return null;
    }
    path = url;
  } else if (url === baseUrl || url.startsWith(`${baseUrl}/`) || url.startsWith(`${baseUrl}?`)) {
    path = url.slice(baseUrl.length) || '/';
  } else {
    return null;
  }
  return path.split(/[?#]/, 1)[0];
}

/**
 * Whether an API request carries the buyer's token. Not on:
 * - the public catalogue and inventory reads: a request with `Authorization` may not be answered
 *   from a shared cache (RFC 9111 §3.5), and the crowd's polls must stay collapsible by a CDN;
 * - `/auth/…`: registering and signing in are how a token is obtained, so an old one has no place there;
 * - `/admin/…`: the operator console's calls carry the operator's token, which a buyer's must never
 *   replace (and a 401 there says nothing about the buyer's session).
 */
export function carriesBearerToken(request: HttpRequest<unknown>, baseUrl: string): boolean {
  const path = apiPath(request.url, baseUrl);
  if (path === null || path.startsWith('/auth/') || path.startsWith('/admin/')) {
    return false;
  }
  const isRead = request.method === 'GET' || request.method === 'HEAD';
  return !(isRead && (path === '/products' || path.startsWith('/products/')));
}

/**
 * Adds `Authorization: Bearer <token>` to the storefront's API calls while a buyer is signed in,
 * and ends the session when the server refuses that token (`401 UNAUTHORIZED`), so the page
 * asks the buyer to sign in again instead of failing the same way on every click.
 */
export const bearerTokenInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(BuyerSession);
  if (!carriesBearerToken(request, inject(API_BASE_URL))) {
    return next(request);
  }
  const token = session.token();
  if (token === null) {
    return next(request);
  }
  return next(request.clone({ setHeaders: { Authorization: `Bearer ${token}` } })).pipe(
    tap({
      error: (error: unknown) => {
        if (
          error instanceof HttpErrorResponse &&
          error.status === 401 &&
          readProblem(error.error)?.code === ErrorCode.Unauthorized
        ) {
          session.expire(token);
        }
      },
    }),
  );
};
