/** The content codings the storefront's files may be stored in, in the server's order of preference. */
export const CONTENT_CODINGS = ['br', 'gzip', 'identity'] as const;
export type ContentCoding = (typeof CONTENT_CODINGS)[number];

/** RFC 9110 §12.5.3: x-gzip is gzip. */
const ALIASES: Readonly<Record<string, string>> = { 'x-gzip': 'gzip' };

/** Below any weight a client can write (the smallest is 0.001), above refusal. */
const UNNAMED_IDENTITY = Number.MIN_VALUE;

/** Each coding the header names, with its weight (the highest when named twice); `*` included. */
function weights(header: string): Map<string, number> {
  const named = new Map<string, number>();
  for (const entry of header.split(',')) {
    const [rawName, ...params] = entry.split(';');
    const name = rawName.trim().toLowerCase();
    if (name === '') continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key.toLowerCase() === 'q') q = Number(value);
    }
    // A weight that is no number makes the entry meaningless, not a preference.
    if (!Number.isFinite(q) || q < 0 || q > 1) continue;
    const coding = ALIASES[name] ?? name;
    named.set(coding, Math.max(q, named.get(coding) ?? 0));
  }
  return named;
}

/**
 * The coding to answer in, out of those a file is stored in (`identity` always is): the highest
 * weight the request's Accept-Encoding gives, ties going to the smaller (br, then gzip). `q=0`
 * refuses a coding, `*` weighs every coding the header does not name; identity, when neither it
 * nor `*` is named, is acceptable but the last choice (`gzip;q=0.5` still means gzip, please). No header at all is read as identity only, as most servers do: a client that
 * sends none may not decode anything. When the client refuses everything the file is stored in,
 * it gets identity anyway (RFC 9110 §12.5.3 allows it; a 406 would only leave it with nothing).
 */
export function chooseCoding(
  acceptEncoding: string | undefined,
  stored: ReadonlySet<ContentCoding>,
): ContentCoding {
  if (acceptEncoding === undefined) return 'identity';
  const named = weights(acceptEncoding);
  const any = named.get('*');
  let best: ContentCoding = 'identity';
  let bestWeight = 0;
  for (const coding of CONTENT_CODINGS) {
    if (coding !== 'identity' && !stored.has(coding)) continue;
    const weight = named.get(coding) ?? any ?? (coding === 'identity' ? UNNAMED_IDENTITY : 0);
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}
