import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, AuthSession, Credentials, ErrorCode, FieldError } from '@gtd/shared-contracts';
import { catchError, map, Observable, of, tap } from 'rxjs';
import { injectApiUrl } from '../config/api-config';
import { isNetworkFailure, readProblem, retryAfterSeconds } from '../http/problem';
import { BuyerSession } from './buyer-session';

/** How register / sign-in ended; the observable never errors. */
export type AuthOutcome =
  | { readonly kind: 'signed-in'; readonly session: AuthSession }
  /** Register: an account with this email exists. */
  | { readonly kind: 'email-taken' }
  /** Sign-in: unknown email or wrong password (the API does not say which, on purpose). */
  | { readonly kind: 'invalid-credentials' }
  /** A field broke a rule; `errors` names each. */
  | { readonly kind: 'invalid'; readonly errors: readonly FieldError[]; readonly detail: string | null }
  | { readonly kind: 'rate-limited'; readonly retryAfterSeconds: number | null }
  | { readonly kind: 'network' }
  /** 5xx, or a 4xx this client does not know; `detail` from the problem when there was one. */
  | { readonly kind: 'failed'; readonly status: number; readonly detail: string | null };

/** `POST /auth/register` and `POST /auth/sign-in`; a success starts the {@link BuyerSession}. */
@Injectable({ providedIn: 'root' })
export class AuthClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();
  private readonly session = inject(BuyerSession);

  register(credentials: Credentials): Observable<AuthOutcome> {
    return this.call(ApiRoutes.register, credentials);
  }

  signIn(credentials: Credentials): Observable<AuthOutcome> {
    return this.call(ApiRoutes.signIn, credentials);
  }

  private call(route: string, credentials: Credentials): Observable<AuthOutcome> {
    return this.http.post<AuthSession>(this.apiUrl(route), credentials).pipe(
      tap((session) => this.session.start(session)),
      map((session): AuthOutcome => ({ kind: 'signed-in', session })),
      catchError((error: unknown) => of(toAuthOutcome(error))),
    );
  }
}

export function toAuthOutcome(error: unknown): AuthOutcome {
  if (isNetworkFailure(error)) {
    return { kind: 'network' };
  }
  const response = error as HttpErrorResponse;
  const problem = readProblem(response.error);
  if (response.status === 429) {
    return { kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response, problem) };
  }
  switch (problem?.code) {
    case ErrorCode.EmailTaken:
      return { kind: 'email-taken' };
    case ErrorCode.InvalidCredentials:
      return { kind: 'invalid-credentials' };
    case ErrorCode.ValidationFailed:
      return { kind: 'invalid', errors: problem.errors ?? [], detail: problem.detail ?? null };
  }
  return { kind: 'failed', status: response.status, detail: problem?.detail ?? null };
}
