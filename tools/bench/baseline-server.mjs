// The bench's baseline: the drop's HTTP contract on bare node:http, in memory, with nothing between
// the socket and the stock but the checks the contract requires. It answers the same requests as
// the API (same routes, statuses, codes and problem+json bodies) so the bench can say how much of
// the machine the real server uses. Reads PORT, HOST, CATALOG and MAX_QUANTITY_PER_PURCHASE.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const MAX_BODY_BYTES = 16 * 1024;
const QUANTITY_CEILING = 1000;
const POLL_AFTER_MS = 1000;
const POLL_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';

const TITLES = {
  SOLD_OUT: 'Sold out',
  INSUFFICIENT_STOCK: 'Not enough stock left',
  PRODUCT_NOT_FOUND: 'Product not found',
  VALIDATION_FAILED: 'Validation failed',
  MALFORMED_JSON: 'Malformed JSON body',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  ROUTE_NOT_FOUND: 'Route not found',
};

/** @param {string} name @param {number} fallback */
function intFromEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw))
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * @typedef {{ id: number, name: string, description?: string, price: number, currency: string, stock: number }} CatalogEntry
 * @typedef {{ orderId: string, productId: number, quantity: number, createdAt: string }} Order
 */

/** @returns {CatalogEntry[]} */
function loadCatalog() {
  const path = process.env.CATALOG;
  if (!path) return [{ id: 1, name: 'Golden Ticket', price: 5000, currency: 'EUR', stock: 100 }];
  const parsed = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error(`${path}: not a non-empty JSON array`);
  for (const entry of parsed) {
    if (
      !Number.isSafeInteger(entry.id) ||
      entry.id < 1 ||
      !Number.isSafeInteger(entry.stock) ||
      entry.stock < 0
    ) {
      throw new Error(`${path}: every product needs a positive integer id and a non-negative integer stock`);
    }
  }
  return parsed;
}

const port = intFromEnv('PORT', 8080);
const host = process.env.HOST || '127.0.0.1';
const maxQuantity = intFromEnv('MAX_QUANTITY_PER_PURCHASE', 10);

/** Stock per product id; orders kept like the memory store keeps them, so both pay for it. */
const available = new Map(loadCatalog().map((entry) => [entry.id, entry.stock]));
/** @type {Map<string, Order>} */
const orders = new Map();

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {string} [type]
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, type = 'application/json; charset=utf-8', headers = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {keyof typeof TITLES} code
 * @param {string} detail
 * @param {Record<string, unknown>} [extensions]
 */
function problem(res, status, code, detail, extensions = {}) {
  const type = `urn:golden-ticket-drop:problem:${code.toLowerCase().replace(/_/g, '-')}`;
  send(
    res,
    status,
    { type, title: TITLES[code], status, detail, code, ...extensions },
    'application/problem+json',
  );
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {Array<{ field: string, messages: string[] }>} errors
 */
function validationFailed(res, errors) {
  problem(res, 400, 'VALIDATION_FAILED', 'The request is invalid.', { errors });
}

/** @param {unknown} value @param {number} max */
const isIntIn = (value, max) =>
  typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= max;

/**
 * The same essentials as the API's BuyRequestDto + ValidationPipe (whitelist, forbidNonWhitelisted):
 * a JSON object with exactly productId and quantity, both positive integers in range.
 * @param {import('node:http').ServerResponse} res
 * @param {unknown} body
 */
function buy(res, body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    validationFailed(res, [{ field: 'body', messages: ['the body must be a JSON object'] }]);
    return;
  }
  const request = /** @type {Record<string, unknown>} */ (body);
  const errors = [];
  for (const field of Object.keys(request)) {
    if (field !== 'productId' && field !== 'quantity') {
      errors.push({ field, messages: [`property ${field} should not exist`] });
    }
  }
  if (!isIntIn(request.productId, Number.MAX_SAFE_INTEGER)) {
    errors.push({ field: 'productId', messages: ['productId must be a positive integer'] });
  }
  if (!isIntIn(request.quantity, QUANTITY_CEILING)) {
    errors.push({
      field: 'quantity',
      messages: [`quantity must be an integer from 1 to ${QUANTITY_CEILING}`],
    });
  } else if (/** @type {number} */ (request.quantity) > maxQuantity) {
    errors.push({ field: 'quantity', messages: [`quantity must not be greater than ${maxQuantity}`] });
  }
  if (errors.length > 0) {
    validationFailed(res, errors);
    return;
  }
  const productId = /** @type {number} */ (request.productId);
  const quantity = /** @type {number} */ (request.quantity);
  const left = available.get(productId);
  if (left === undefined) {
    problem(res, 404, 'PRODUCT_NOT_FOUND', `No product ${productId}.`);
    return;
  }
  if (left < quantity) {
    // Check and decrement happen in one synchronous stretch: no other request can interleave.
    const code = left === 0 ? 'SOLD_OUT' : 'INSUFFICIENT_STOCK';
    const detail =
      left === 0
        ? `Product ${productId} is sold out.`
        : `Only ${left} of product ${productId} left; asked for ${quantity}. Nothing was sold.`;
    problem(res, 409, code, detail, { productId, available: left });
    return;
  }
  const remaining = left - quantity;
  available.set(productId, remaining);
  const order = { orderId: randomUUID(), productId, quantity, createdAt: new Date().toISOString() };
  orders.set(order.orderId, order);
  send(res, 201, { orderId: order.orderId, productId, quantity, remaining });
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
function readJsonBody(req, res) {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json' && !(type.startsWith('application/') && type.endsWith('+json'))) {
    problem(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
    req.resume();
    return;
  }
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  let refused = false;
  req.on('data', (/** @type {Buffer} */ chunk) => {
    size += chunk.length;
    if (size > MAX_BODY_BYTES && !refused) {
      refused = true;
      problem(res, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    if (!refused) chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      problem(res, 400, 'MALFORMED_JSON', 'The request body is not well-formed JSON.');
      return;
    }
    buy(res, body);
  });
}

const INVENTORY_PATH = /^\/products\/([^/]+)\/inventory$/;

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'POST' && path === '/buy') {
    readJsonBody(req, res);
    return;
  }
  if (req.method === 'GET') {
    const match = INVENTORY_PATH.exec(path);
    if (match) {
      const productId = /^\d+$/.test(match[1]) ? Number(match[1]) : NaN;
      if (!isIntIn(productId, Number.MAX_SAFE_INTEGER)) {
        validationFailed(res, [{ field: 'id', messages: ['id must be a positive integer'] }]);
        return;
      }
      const left = available.get(productId);
      if (left === undefined) {
        problem(res, 404, 'PRODUCT_NOT_FOUND', `No product ${productId}.`);
        return;
      }
      // The same body, ETag and Cache-Control the API answers, and its 304 for a current tag.
      const state = left === 0 ? 'sold_out' : 'live';
      const etag = `"${productId}-${left}-${state}-${POLL_AFTER_MS}"`;
      const pollHeaders = { etag, 'cache-control': POLL_CACHE_CONTROL };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, pollHeaders);
        res.end();
        return;
      }
      send(
        res,
        200,
        { productId, available: left, state, pollAfterMs: POLL_AFTER_MS },
        undefined,
        pollHeaders,
      );
      return;
    }
    if (path === '/health') {
      send(res, 200, { status: 'ok', info: { store: { status: 'up' } } });
      return;
    }
  }
  req.resume();
  problem(res, 404, 'ROUTE_NOT_FOUND', `No route ${req.method} ${path}.`);
});

server.listen(port, host, () => {
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  console.log(`Baseline (bare node:http, memory) on http://${host}:${bound}`);
});

function shutdown() {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
  // Connections still busy after a moment are cut: the bench has stopped sending by then.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
