/**
 * The storefront's pages, as the Angular router's path patterns (`:name` binds one segment): the
 * paths a browser navigation may land on with 200. Every other navigation still gets the page, so
 * the app can show its not-found screen, but with 404, so crawlers and monitors see a miss. The
 * storefront's own route list must name exactly these (apps/web's app.routes.spec.ts checks it).
 */
export const STOREFRONT_PAGES: readonly string[] = [
  '',
  'drops/:id',
  'receipts/:orderId',
  'my-tickets',
  'sign-in',
  'register',
  'console',
  'console/sign-in',
  'console/drops/new',
  'console/drops/:id/edit',
  'console/audit',
  'console/drops/:id',
];

type Segment = { literal: string } | { param: true };

function compile(patterns: readonly string[]): readonly (readonly Segment[])[] {
  return patterns.map((pattern) =>
    pattern === ''
      ? []
      : pattern
          .split('/')
          .map((part) => (part.startsWith(':') ? { param: true as const } : { literal: part })),
  );
}

// Pure: the storefront's bundle, which imports this library for other names, drops it.
const compiled = /* @__PURE__ */ compile(STOREFRONT_PAGES);

/** One segment as the router reads it; a malformed escape matches no literal (and still fills a param). */
function decoded(segment: string): string {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/**
 * Whether a URL path (no query) is one of STOREFRONT_PAGES, matched as the router matches them:
 * whole segments, a parameter fills exactly one non-empty segment, nothing left over. A trailing
 * slash is an empty segment to the router (`/drops/1/` shows its not-found page), so it is here too;
 * leading slashes are one, as the router reads them.
 */
export function isStorefrontPage(path: string): boolean {
  const relative = path.replace(/^\/+/, '');
  const segments = relative === '' ? [] : relative.split('/').map(decoded);
  return compiled.some(
    (pattern) =>
      pattern.length === segments.length &&
      pattern.every((part, i) => ('literal' in part ? part.literal === segments[i] : segments[i] !== '')),
  );
}
