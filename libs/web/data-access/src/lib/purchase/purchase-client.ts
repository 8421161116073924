import { HttpClient, HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  ApiRoutes,
  ErrorCode,
  PurchaseFaultOutcome,
  QUEUE_PASS_HEADER,
  PurchaseRequest,
  PurchaseResult,
} from '@gtd/shared-contracts';
import { catchError, map, Observable, of } from 'rxjs';
import { injectApiUrl, PURCHASE_TIMEOUT_MS } from '../config/api-config';
import { isNetworkFailure, problemFigure, readProblem, retryAfterSeconds } from '../http/problem';
import { IDEMPOTENCY_KEY_FACTORY } from './idempotency-key';
import { PurchaseAttempt, PurchaseOutcome, QueuePassRefusal } from './purchase-outcome';

const FAULT_OUTCOMES: readonly PurchaseFaultOutcome[] = Object.values(PurchaseFaultOutcome);

/** Client-side 4xx codes that all mean "this request was not acceptable as sent". */
const INVALID_REQUEST_CODES: readonly string[] = [
  ErrorCode.ValidationFailed,
  ErrorCode.MalformedJson,
  ErrorCode.UnsupportedMediaType,
  ErrorCode.PayloadTooLarge,
  ErrorCode.BadRequest,
];

/** What each `QUEUE_PASS_*` refusal says of the pass. */
const PASS_REFUSALS: Readonly<Record<string, QueuePassRefusal>> = {
  [ErrorCode.QueuePassRequired]: 'required',
  [ErrorCode.QueuePassExpired]: 'expired',
  [ErrorCode.QueuePassInvalid]: 'invalid',
  [ErrorCode.QueuePassUsed]: 'used',
};

/** The request header of the IETF httpapi idempotency-key draft. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/**
 * `POST /buy`, answered as a typed {@link PurchaseOutcome}; the observable never errors.
 *
 * Usage: `send(attempt(request))` for a press of Buy now, `send(previousAttempt)` for Retry.
 * The buyer's bearer token is added by `bearerTokenInterceptor`, not here.
 */
@Injectable({ providedIn: 'root' })
export class PurchaseClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();
  private readonly timeoutMs = inject(PURCHASE_TIMEOUT_MS);
  private readonly newKey = inject(IDEMPOTENCY_KEY_FACTORY);

  /** A new purchase attempt with its own `Idempotency-Key`, kept for all of its retries. */
  attempt(request: PurchaseRequest): PurchaseAttempt {
    return { request, idempotencyKey: this.newKey() };
  }

  /**
   * Sends (or re-sends) an attempt with its key, and with the waiting room's pass when the buyer
   * holds one (`Queue-Pass`; a drop without a queue is sent exactly as before).
   */
  send(attempt: PurchaseAttempt, queuePass: string | null = null): Observable<PurchaseOutcome> {
    const { request, idempotencyKey } = attempt;
    const headers: Record<string, string> = { [IDEMPOTENCY_KEY_HEADER]: idempotencyKey };
    if (queuePass !== null) {
      headers[QUEUE_PASS_HEADER] = queuePass;
    }
    return this.http
      .post<PurchaseResult>(this.apiUrl(ApiRoutes.buy), request, {
        headers: new HttpHeaders(headers),
        timeout: this.timeoutMs,
      })
      .pipe(
        map((result): PurchaseOutcome => ({ kind: 'success', result })),
        catchError((error: unknown) => of(toOutcome(error, request))),
      );
  }
}

/** Maps a failed `POST /buy` to its outcome; exported for reuse and tests. */
export function toOutcome(error: unknown, request: PurchaseRequest): PurchaseOutcome {
  if (isNetworkFailure(error)) {
    return { kind: 'network' };
  }
  const response = error as HttpErrorResponse;
  const problem = readProblem(response.error);
  const status = response.status;
  const requested = request.quantity;
  if (status >= 500) {
    // The body is the server's (or a proxy's) word: only the documented values count.
    const said = problem?.purchase;
    const made = said !== undefined && FAULT_OUTCOMES.includes(said) ? said : null;
    return { kind: 'server', status, made, retryAfterSeconds: retryAfterSeconds(response, problem), problem };
  }
  if (status === 429) {
    return { kind: 'rate-limited', retryAfterSeconds: retryAfterSeconds(response, problem), problem };
  }
  switch (problem?.code) {
    case ErrorCode.SoldOut:
      return { kind: 'sold-out', problem };
    case ErrorCode.InsufficientStock:
      return { kind: 'insufficient-stock', requested, available: problemFigure(problem.available), problem };
    case ErrorCode.ProductNotFound:
      return { kind: 'not-found', problem };
    case ErrorCode.NotStarted:
      return { kind: 'not-started', startsAt: problem.startsAt ?? null, problem };
    case ErrorCode.Ended:
      return { kind: 'ended', endsAt: problem.endsAt ?? null, problem };
    case ErrorCode.Paused:
      return { kind: 'paused', problem };
    case ErrorCode.LimitReached:
      return {
        kind: 'limit-reached',
        requested,
        limit: problemFigure(problem.limit),
        bought: problemFigure(problem.bought),
        problem,
      };
    case ErrorCode.AuthRequired:
      return { kind: 'auth-required', problem };
    case ErrorCode.Unauthorized:
      return { kind: 'unauthorized', problem };
    case ErrorCode.IdempotencyKeyMismatch:
      return { kind: 'idempotency-mismatch', problem };
    case ErrorCode.IdempotencyKeyInUse:
      return { kind: 'in-progress', problem };
  }
  const passRefusal = problem ? PASS_REFUSALS[problem.code] : undefined;
  if (problem && passRefusal) {
    return { kind: 'queue-pass', reason: passRefusal, problem };
  }
  if (problem && INVALID_REQUEST_CODES.includes(problem.code)) {
    return { kind: 'invalid', errors: problem.errors ?? [], problem };
  }
  if (!problem && (status === 400 || status === 422)) {
    return { kind: 'invalid', errors: [], problem: null };
  }
  return { kind: 'unknown', status, problem };
}
