import { HttpErrorResponse, HttpInterceptorFn, HttpRequest } from '@angular/common/http';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { API_BASE_URL } from '@gtd/web-data-access';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { isAdminDisabled, OperatorSession } from './operator-session';

/** Where the console asks for the token; `reason` says why the operator landed there. */
export const CONSOLE_SIGN_IN = '/console/sign-in';

/** Why the sign-in page is shown: the token stopped working, or the server has no operator API. */
export type SignInReason = 'expired' | 'disabled';

/** Whether the request goes to the operator API of our API (never the token to anywhere else). */
export function isOperatorRequest(request: HttpRequest<unknown>, baseUrl: string): boolean {
  const url = request.url;
  let path: string;
  if (baseUrl === '') {
    // Same origin: only root-relative URLs (`//host/…` is another origin).
    if (!url.startsWith('/') || url.startsWith('//')) {
      return false;
    }
    path = url;
  } else if (url.startsWith(`${baseUrl}/`)) {
    path = url.slice(baseUrl.length);
  } else {
    return false;
  }
  return path.startsWith('/admin/');
}

/**
 * Adds the operator's bearer to `/admin/…` calls only, and when the server refuses it (401) ends the
 * session and returns to sign-in with the reason, instead of every page failing the same way. A
 * request that already carries `Authorization` (the sign-in check itself) is left to its caller.
 */
export const operatorTokenInterceptor: HttpInterceptorFn = (request, next) => {
  const session = inject(OperatorSession);
  const router = inject(Router);
  if (!isOperatorRequest(request, inject(API_BASE_URL)) || request.headers.has('Authorization')) {
    return next(request);
  }
  const token = session.token();
  const sent = token === null ? request : request.clone({ setHeaders: { Authorization: `Bearer ${token}` } });
  const handle = (error: unknown): void => {
    let reason: SignInReason | null = null;
    if (isAdminDisabled(error)) {
      session.markDisabled();
      reason = 'disabled';
    } else if (error instanceof HttpErrorResponse && error.status === 401) {
      // Only the token this request carried: a newer sign-in is not undone by an old answer.
      if (session.token() === token) {
        session.signOut();
      }
      reason = 'expired';
    }
    if (reason !== null) {
      void router.navigate([CONSOLE_SIGN_IN], { queryParams: { reason } });
    }
  };
  return next(sent).pipe(
    catchError((error: unknown) =>
      readableError(error).pipe(
        mergeMap((readable) => {
          handle(readable);
          return throwError(() => readable);
        }),
      ),
    ),
  );
};

/**
 * The error with its problem body as JSON: a request for a Blob (the CSV export) gets its error
 * body as a Blob too, where neither `ADMIN_DISABLED` nor a page's problem text could be read.
 */
function readableError(error: unknown): Observable<unknown> {
  if (!(error instanceof HttpErrorResponse) || !(error.error instanceof Blob)) return from([error]);
  return from(blobText(error.error).catch(() => null)).pipe(
    mergeMap((text) => {
      let body: unknown = text;
      try {
        body = text === null ? null : JSON.parse(text);
      } catch {
        // Not JSON: the text is all there is.
      }
      return [
        new HttpErrorResponse({
          error: body,
          headers: error.headers,
          status: error.status,
          statusText: error.statusText,
          url: error.url ?? undefined,
        }),
      ];
    }),
  );
}

/** Blob.text(), or FileReader where there is none (jsdom). */
function blobText(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') return blob.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}
