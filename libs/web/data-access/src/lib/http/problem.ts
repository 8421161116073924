import { HttpErrorResponse } from '@angular/common/http';
import type { ProblemDetails } from '@gtd/shared-contracts';

/** The body as problem details, or `null` when it is not one (an HTML error page, a string…). */
export function readProblem(body: unknown): ProblemDetails | null {
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

/**
 * No usable answer (offline, DNS, connection refused, CORS, timeout: status 0; or a success status
 * whose body could not be read, e.g. cut off mid-way): nothing to act on, so it counts as lost.
 */
export function isNetworkFailure(error: unknown): boolean {
  return !(error instanceof HttpErrorResponse) || error.status < 400;
}

/** A figure the problem carries (`available`, `limit`…), or `null` when it is absent or not a number. */
export function problemFigure(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

/**
 * How long a 429 asks to wait, in seconds: the `Retry-After` header (the standard, and all a proxy
 * or CDN answering without our problem body sends), else the problem's `retryAfterSeconds`.
 */
export function retryAfterSeconds(
  response: HttpErrorResponse,
  problem: ProblemDetails | null,
): number | null {
  return (
    parseRetryAfter(response.headers?.get('Retry-After') ?? null, Date.now()) ??
    problemFigure(problem?.retryAfterSeconds)
  );
}

/**
 * Seconds from a `Retry-After` header (delay-seconds or an HTTP date), `null` when absent or
 * unreadable. RFC 9110 §10.2.3.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | null {
  if (value === null || value.trim() === '') {
    return null;
  }
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    return Number(trimmed);
  }
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}
