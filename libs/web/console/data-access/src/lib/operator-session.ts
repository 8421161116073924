import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable, signal } from '@angular/core';
import { API_BASE_URL, SESSION_STORAGE } from '@gtd/web-data-access';
import { AdminProduct, ApiRoutes, ErrorCode } from '@gtd/shared-contracts';
import { catchError, map, Observable, of, tap, throwError } from 'rxjs';

const STORAGE_KEY = 'gtd.operator-token';

/** What a sign-in attempt came to; any other failure (offline, 503) errors instead. */
export type OperatorSignIn = 'signed-in' | 'refused' | 'disabled';

/** Whether an error is the API saying the operator API is off (`403 ADMIN_DISABLED`: no ADMIN_TOKEN). */
export function isAdminDisabled(error: unknown): boolean {
  return (
    error instanceof HttpErrorResponse &&
    error.status === 403 &&
    (error.error as { code?: unknown } | null)?.code === ErrorCode.AdminDisabled
  );
}

/**
 * The operator's token, kept in `sessionStorage` (the same storage as the buyer's session, for the
 * same reasons): it survives a reload of the tab but not the tab, and is never written anywhere
 * that outlives the visit, because it opens every operator route.
 */
@Injectable({ providedIn: 'root' })
export class OperatorSession {
  private readonly storage = inject(SESSION_STORAGE);
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(API_BASE_URL);
  private readonly current = signal<string | null>(this.read());
  private readonly disabledFlag = signal(false);

  /** The token, or `null` while signed out. */
  readonly token = this.current.asReadonly();
  /** The server answered that the operator API is switched off (no ADMIN_TOKEN configured). */
  readonly disabled = this.disabledFlag.asReadonly();

  signedIn(): boolean {
    return this.current() !== null;
  }

  /**
   * Checks the token against the API (`GET /admin/products`, the cheapest operator read) and keeps
   * it only when it is accepted, so a typo is reported at once instead of on the first page.
   */
  signIn(token: string): Observable<OperatorSignIn> {
    const candidate = token.trim();
    if (candidate === '') {
      return of('refused');
    }
    return this.http
      .get<AdminProduct[]>(`${this.baseUrl}${ApiRoutes.admin.products}`, {
        headers: { Authorization: `Bearer ${candidate}` },
      })
      .pipe(
        tap(() => this.start(candidate)),
        map((): OperatorSignIn => 'signed-in'),
        catchError((error: unknown) => {
          if (isAdminDisabled(error)) {
            this.markDisabled();
            return of<OperatorSignIn>('disabled');
          }
          if (error instanceof HttpErrorResponse && error.status === 401) {
            return of<OperatorSignIn>('refused');
          }
          return throwError(() => error);
        }),
      );
  }

  signOut(): void {
    this.current.set(null);
    try {
      this.storage?.removeItem(STORAGE_KEY);
    } catch {
      // Storage went away (private mode quota, disabled): the in-memory session is what counts.
    }
  }

  /** Records that the server has no operator API, and drops a token it can no longer check. */
  markDisabled(): void {
    this.disabledFlag.set(true);
    this.signOut();
  }

  private start(token: string): void {
    this.disabledFlag.set(false);
    this.current.set(token);
    try {
      this.storage?.setItem(STORAGE_KEY, token);
    } catch {
      // As in signOut: the session then lasts as long as the page.
    }
  }

  private read(): string | null {
    try {
      const token = this.storage?.getItem(STORAGE_KEY) ?? null;
      return token === '' ? null : token;
    } catch {
      return null;
    }
  }
}
