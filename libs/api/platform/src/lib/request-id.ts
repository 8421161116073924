import { randomUUID } from 'node:crypto';

/** The header a request id arrives in (from a proxy or the client) and is answered in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Ids a proxy or client may hand us: 1–128 visible characters without spaces, quotes or separators,
 * so one can be echoed in a header and written in a log line as it is (no log injection).
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@+/=-]{1,128}$/;

/**
 * The id of a request: the incoming `X-Request-Id` when it is a sane token, so one id follows a
 * request through the proxies in front of us; otherwise a random UUID.
 */
export function acceptRequestId(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
