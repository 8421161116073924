import { problemType, type AuthSession, type ProblemDetails } from '@gtd/shared-contracts';

/**
 * What the API answers, as specs need it (`@gtd/web-data-access/testing`; never imported by
 * production code).
 */

/** A problem+json body as the API sends it; `detail` reads `detail of <code>` unless `extra` says otherwise. */
export function problem(status: number, code: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  // Specs also send codes this client does not know (yet): the cast lets them.
  return {
    type: problemType(code),
    title: code,
    status,
    detail: `detail of ${code}`,
    code,
    ...extra,
  } as ProblemDetails;
}

/** The session `POST /auth/sign-in` starts for the buyer `b-1` (ada@example.com). */
export function buyerSession(accessToken = 'token-1', expiresIn = 3600): AuthSession {
  return { accessToken, tokenType: 'Bearer', expiresIn, buyer: { id: 'b-1', email: 'ada@example.com' } };
}
