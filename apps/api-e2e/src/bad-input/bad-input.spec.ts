import { ErrorCode, ProblemDetails, problemType } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { catalogWithStocks, HTTP_ADAPTERS, RequestSpec, send, useServer } from '@gtd/testing';
import { stockSnapshot } from '../support/drop';

interface BadRequestCase extends RequestSpec {
  name: string;
  status: number;
  code: ErrorCode;
  /** For VALIDATION_FAILED: a field the `errors` list must name. */
  field?: string;
}

const JSON_TYPE = { 'content-type': 'application/json' };
const VALID = '{"productId":1,"quantity":1}';

/** A POST /buy with a JSON content type and this exact body text. */
const buy = (rawBody: string | Buffer, headers: Record<string, string> = JSON_TYPE): RequestSpec => ({
  method: 'POST',
  path: '/buy',
  rawBody,
  headers,
});

const get = (path: string): RequestSpec => ({ method: 'GET', path });

/** A POST of this exact JSON text to another body route. */
const post = (path: string, rawBody: string): RequestSpec => ({ ...buy(rawBody), path });

/** `{"x":{"x":…{}…}}`, `levels` objects deep: past the body readers' nesting cap. */
const nestedObjects = (levels: number): string => '{"x":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1);

/** Credentials as JSON text, the email's lone surrogate written as the escape a client would send. */
const LONE_SURROGATE_CREDENTIALS = '{"email":"\\ud800@example.com","password":"correct horse battery"}';

const invalid = (name: string, spec: RequestSpec, field?: string): BadRequestCase => ({
  name,
  ...spec,
  status: 400,
  code: ErrorCode.ValidationFailed,
  field,
});

/** Every kind of client mistake, each with the status and code the contract promises. */
const CASES: BadRequestCase[] = [
  // Bodies that are not a JSON object.
  { name: 'malformed JSON', ...buy('{"productId":1,'), status: 400, code: ErrorCode.MalformedJson },
  {
    name: 'truncated JSON',
    ...buy('{"productId":1,"quantity":1'),
    status: 400,
    code: ErrorCode.MalformedJson,
  },
  {
    name: 'JSON with a trailing comma',
    ...buy('{"productId":1,"quantity":1,}'),
    status: 400,
    code: ErrorCode.MalformedJson,
  },
  // Well-formed JSON that is not an object: the contract, not the syntax, is broken.
  invalid('JSON null', buy('null'), '(body)'),
  invalid('a JSON string', buy('"buy me a ticket"'), '(body)'),
  invalid('a JSON number', buy('42'), '(body)'),
  invalid('empty body with content-type json', buy('')),
  invalid('an array holding a valid purchase', buy(`[${VALID}]`), '(body)'),
  invalid('5,000 nested arrays', buy('['.repeat(5000) + ']'.repeat(5000)), '(body)'),
  // Nested past the cap: once a stack overflow (500) in the validation pipe, on every body route.
  {
    name: 'objects nested 2,000 deep',
    ...buy(nestedObjects(2000)),
    status: 400,
    code: ErrorCode.MalformedJson,
  },
  {
    name: 'arrays nested 8,000 deep inside an object',
    ...buy('{"productId":' + '['.repeat(8000) + ']'.repeat(8000) + '}'),
    status: 400,
    code: ErrorCode.MalformedJson,
  },
  {
    name: 'objects nested 2,000 deep on /auth/register',
    ...post('/auth/register', nestedObjects(2000)),
    status: 400,
    code: ErrorCode.MalformedJson,
  },
  // A lone UTF-16 surrogate in an email: class-validator's isEmail threw on it (500).
  invalid(
    'a lone surrogate in the email on /auth/register',
    post('/auth/register', LONE_SURROGATE_CREDENTIALS),
    'email',
  ),
  invalid(
    'a lone surrogate in the email on /auth/sign-in',
    post('/auth/sign-in', LONE_SURROGATE_CREDENTIALS),
    'email',
  ),
  // Wrong media types and sizes.
  {
    name: 'text/plain with valid JSON text',
    ...buy(VALID, { 'content-type': 'text/plain' }),
    status: 415,
    code: ErrorCode.UnsupportedMediaType,
  },
  {
    name: 'form-urlencoded',
    ...buy('productId=1&quantity=1', { 'content-type': 'application/x-www-form-urlencoded' }),
    status: 415,
    code: ErrorCode.UnsupportedMediaType,
  },
  {
    name: 'a body without content-type',
    ...buy(VALID, {}),
    status: 415,
    code: ErrorCode.UnsupportedMediaType,
  },
  {
    name: 'an unsupported charset',
    ...buy(VALID, { 'content-type': 'application/json; charset=latin-9' }),
    status: 415,
    code: ErrorCode.UnsupportedMediaType,
  },
  {
    name: 'a body over 16 KiB',
    ...buy(JSON.stringify({ productId: 1, quantity: 1, padding: 'x'.repeat(20 * 1024) })),
    status: 413,
    code: ErrorCode.PayloadTooLarge,
  },
  {
    name: 'a body over 16 KiB once gunzipped',
    ...buy(gzipSync(JSON.stringify({ productId: 1, quantity: 1, padding: ' '.repeat(64 * 1024) })), {
      ...JSON_TYPE,
      'content-encoding': 'gzip',
    }),
    status: 413,
    code: ErrorCode.PayloadTooLarge,
  },
  {
    name: 'content-encoding gzip on a body that is not gzip',
    ...buy(VALID, { ...JSON_TYPE, 'content-encoding': 'gzip' }),
    status: 400,
    code: ErrorCode.BadRequest,
  },
  // Unknown and dangerous keys.
  invalid('an unknown field', buy('{"productId":1,"quantity":1,"discount":100}'), 'discount'),
  invalid('a __proto__ key', buy('{"productId":1,"quantity":1,"__proto__":{"isAdmin":true}}'), '__proto__'),
  invalid(
    'a constructor key',
    buy('{"productId":1,"quantity":1,"constructor":{"prototype":{"isAdmin":true}}}'),
    'constructor',
  ),
  invalid('an SQL-looking key', buy('{"productId":1,"quantity":1,"x\'); DROP TABLE orders;--":1}')),
  // Wrong types and ranges.
  invalid('productId as a string "1"', buy('{"productId":"1","quantity":1}'), 'productId'),
  invalid(
    'productId as an SQL-looking string',
    buy('{"productId":"1; DROP TABLE products","quantity":1}'),
    'productId',
  ),
  invalid('productId -1', buy('{"productId":-1,"quantity":1}'), 'productId'),
  invalid('productId 0', buy('{"productId":0,"quantity":1}'), 'productId'),
  invalid('productId 1.5', buy('{"productId":1.5,"quantity":1}'), 'productId'),
  invalid('productId true', buy('{"productId":true,"quantity":1}'), 'productId'),
  invalid('productId as a nested object', buy('{"productId":{"id":1},"quantity":1}'), 'productId'),
  invalid(
    'productId 99999999999999999999',
    buy('{"productId":99999999999999999999,"quantity":1}'),
    'productId',
  ),
  invalid('productId 1e309 (Infinity)', buy('{"productId":1e309,"quantity":1}'), 'productId'),
  invalid('quantity as a string "1"', buy('{"productId":1,"quantity":"1"}'), 'quantity'),
  invalid('quantity 0', buy('{"productId":1,"quantity":0}'), 'quantity'),
  invalid('quantity -1', buy('{"productId":1,"quantity":-1}'), 'quantity'),
  invalid('quantity 1.5', buy('{"productId":1,"quantity":1.5}'), 'quantity'),
  invalid('quantity 11, above the default maximum of 10', buy('{"productId":1,"quantity":11}'), 'quantity'),
  invalid('quantity 1e309 (Infinity)', buy('{"productId":1,"quantity":1e309}'), 'quantity'),
  invalid(
    'quantity 99999999999999999999',
    buy('{"productId":1,"quantity":99999999999999999999}'),
    'quantity',
  ),
  invalid('quantity null', buy('{"productId":1,"quantity":null}'), 'quantity'),
  invalid('quantity as an array', buy('{"productId":1,"quantity":[1]}'), 'quantity'),
  invalid('an empty object', buy('{}'), 'productId'),
  invalid('quantity missing', buy('{"productId":1}'), 'quantity'),
  invalid('productId missing', buy('{"quantity":1}'), 'productId'),
  // Well-formed purchase of nothing that exists.
  {
    name: 'unknown product 999',
    ...buy('{"productId":999,"quantity":1}'),
    status: 404,
    code: ErrorCode.ProductNotFound,
  },
  // Path parameters.
  invalid('GET /products/abc', get('/products/abc'), 'id'),
  invalid('GET /products/-1', get('/products/-1'), 'id'),
  invalid('GET /products/0', get('/products/0'), 'id'),
  invalid('GET /products/1.5', get('/products/1.5'), 'id'),
  invalid('GET /products/99999999999999999999', get('/products/99999999999999999999'), 'id'),
  invalid('GET /products/1e3', get('/products/1e3'), 'id'),
  invalid('GET /products/01 (leading zero)', get('/products/01'), 'id'),
  invalid('GET /products/0x1/inventory (hex)', get('/products/0x1/inventory'), 'id'),
  invalid('GET /products/abc/inventory', get('/products/abc/inventory'), 'id'),
  { name: 'GET /products/%FF', ...get('/products/%FF'), status: 400, code: ErrorCode.BadRequest },
  {
    name: 'GET /products/999 (unknown)',
    ...get('/products/999'),
    status: 404,
    code: ErrorCode.ProductNotFound,
  },
  invalid('GET /orders/not-a-uuid', get('/orders/not-a-uuid'), 'orderId'),
  invalid("GET /orders/1' OR '1'='1", get("/orders/1'%20OR%20'1'='1"), 'orderId'),
  {
    name: 'GET /orders/<random uuid>',
    ...get(`/orders/${randomUUID()}`),
    status: 404,
    code: ErrorCode.OrderNotFound,
  },
  // Routes that do not exist.
  { name: 'GET /nope', ...get('/nope'), status: 404, code: ErrorCode.RouteNotFound },
  { name: 'GET /buy', ...get('/buy'), status: 404, code: ErrorCode.RouteNotFound },
  {
    name: 'DELETE /products/1',
    method: 'DELETE',
    path: '/products/1',
    status: 404,
    code: ErrorCode.RouteNotFound,
  },
];

/** Signs of a leaked stack trace or server file layout. */
const LEAKS = [/\n\s*at\s/, /node_modules/, /\/work\//, /dist\/apps/, /\.[cm]?[jt]s:\d+/];

describe.each(HTTP_ADAPTERS)(
  'bad requests on %s: each refused with its 4xx, its code and no side effect',
  (httpAdapter) => {
    const server = useServer(catalogWithStocks(10, 5, 3), { HTTP_ADAPTER: httpAdapter });
    let stockBefore: Record<number, number>;

    beforeAll(async () => {
      stockBefore = await stockSnapshot(server.baseUrl);
    });

    it('covers at least 30 distinct bad requests', () => {
      expect(CASES.length).toBeGreaterThanOrEqual(30);
      expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    });

    it.each(CASES)('$name → $status $code', async ({ name, status, code, field, ...spec }) => {
      const reply = await send<ProblemDetails>(server.baseUrl, spec);
      const context = `${name}: ${reply.status} ${reply.error ?? ''} ${reply.text.slice(0, 300)}`;

      expect({ context, status: reply.status }).toEqual({ context, status });
      expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(reply.body).toMatchObject({ status, code, type: problemType(code) });
      expect(typeof reply.body.detail).toBe('string');
      expect(reply.body.detail.length).toBeGreaterThan(0);
      if (field !== undefined) {
        expect(reply.body.errors?.map((e) => e.field)).toContain(field);
      }
      for (const leak of LEAKS) expect(reply.text).not.toMatch(leak);
    });

    it('leaves every stock as it was and the server healthy', async () => {
      expect(await stockSnapshot(server.baseUrl)).toEqual(stockBefore);
      const health = await send(server.baseUrl, { path: '/health' });
      expect(health.status).toBe(200);
      // No request above reached the store as a purchase: nothing but the catalogue's counts.
      expect(stockBefore).toEqual({ 1: 10, 2: 5, 3: 3 });
    });
  },
);
