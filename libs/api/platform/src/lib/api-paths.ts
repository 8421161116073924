import { API_PATH_ROOTS } from '@gtd/shared-contracts';

/** The first segments the API answers under (Swagger UI's `docs` among them). */
export const API_ROOTS: ReadonlySet<string> = new Set(API_PATH_ROOTS);

/**
 * `/products/1/inventory?x` → `products`, without splitting the whole URL: read for every
 * request, before any route runs. Takes a path as sent, with or without its query.
 */
export function firstPathSegment(url: string): string {
  let end = 1;
  while (end < url.length) {
    const char = url.charCodeAt(end);
    if (char === SLASH || char === QUESTION_MARK || char === HASH) break;
    end++;
  }
  return url.slice(1, end);
}

const SLASH = 0x2f;
const QUESTION_MARK = 0x3f;
const HASH = 0x23;
