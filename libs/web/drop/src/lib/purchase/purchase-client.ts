import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import { ApiRoutes, ErrorCode, ProblemDetails, PurchaseRequest, PurchaseResult } from '@gtd/shared-contracts';
import { catchError, map, Observable, of } from 'rxjs';
import { API_BASE_URL } from '../config/drop-config';
import { PurchaseOutcome } from './purchase-outcome';

/** Client-side 4xx codes that all mean "this request was not acceptable as sent". */
const INVALID_REQUEST_CODES: readonly string[] = [
  ErrorCode.ValidationFailed,
  ErrorCode.MalformedJson,
  ErrorCode.UnsupportedMediaType,
  ErrorCode.PayloadTooLarge,
  ErrorCode.BadRequest,
];

/** `POST /buy`, answered as a typed {@link PurchaseOutcome}; the observable never errors. */
@Injectable({ providedIn: 'root' })
export class PurchaseClient {
  private readonly http = inject(HttpClient);
  private readonly baseUrl = inject(API_BASE_URL);

  buy(request: PurchaseRequest): Observable<PurchaseOutcome> {
    return this.http.post<PurchaseResult>(`${this.baseUrl}${ApiRoutes.buy}`, request).pipe(
      map((result): PurchaseOutcome => ({ kind: 'success', result })),
      catchError((error: unknown) => of(toOutcome(error, request))),
    );
  }
}

/** Maps a failed `POST /buy` to its outcome; exported for reuse and tests. */
export function toOutcome(error: unknown, request: PurchaseRequest): PurchaseOutcome {
  if (!(error instanceof HttpErrorResponse) || error.status === 0) {
    return { kind: 'network' };
  }
  const problem = readProblem(error.error);
  const status = error.status;
  if (status >= 500) {
    return { kind: 'server', status, problem };
  }
  switch (problem?.code) {
    case ErrorCode.SoldOut:
      return { kind: 'sold-out', problem };
    case ErrorCode.InsufficientStock:
      return {
        kind: 'insufficient-stock',
        requested: request.quantity,
        available: typeof problem.available === 'number' ? problem.available : null,
        problem,
      };
    case ErrorCode.ProductNotFound:
      return { kind: 'not-found', problem };
  }
  if (problem && INVALID_REQUEST_CODES.includes(problem.code)) {
    return { kind: 'invalid', errors: problem.errors ?? [], problem };
  }
  if (!problem && (status === 400 || status === 422)) {
    return { kind: 'invalid', errors: [], problem: null };
  }
  return { kind: 'unknown', status, problem };
}

/** The body as problem details, or `null` when it is not one (an HTML error page, a string…). */
function readProblem(body: unknown): ProblemDetails | null {
  let value = body;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (value !== null && typeof value === 'object' && typeof (value as { code?: unknown }).code === 'string') {
    return value as ProblemDetails;
  }
  return null;
}
