import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, send, useServer } from '@gtd/testing';

interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: { $ref?: string } }>;
}

interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { requestBody?: OpenApiResponse; responses: Record<string, OpenApiResponse> }>
  >;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/** Every route of the contract with the statuses it documents. */
const ROUTES: [method: string, path: string, statuses: string[]][] = [
  ['get', '/products', ['200']],
  ['get', '/products/{id}', ['200', '400', '404']],
  ['get', '/products/{id}/inventory', ['200', '400', '404']],
  ['post', '/buy', ['201', '400', '404', '409', '413', '415']],
  ['get', '/orders/{orderId}', ['200', '400', '404']],
  ['get', '/me/orders', ['200', '400', '401', '503']],
  ['get', '/health', ['200', '503']],
];

describe.each(HTTP_ADAPTERS)('OpenAPI document and Swagger UI on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(1), { HTTP_ADAPTER: httpAdapter });
  let doc: OpenApiDocument;

  beforeAll(async () => {
    const reply = await send<OpenApiDocument>(server.baseUrl, { path: ApiRoutes.openApiJson });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/json/);
    doc = reply.body;
  });

  it('is an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./);
  });

  it.each(ROUTES)('documents %s %s with %j', (method, path, statuses) => {
    const operation = doc.paths[path]?.[method];
    expect(operation).toBeDefined();
    expect(Object.keys(operation.responses).sort()).toEqual(expect.arrayContaining(statuses));
    for (const status of statuses.filter((s) => Number(s) >= 400)) {
      expect(Object.keys(operation.responses[status].content ?? {})).toContain('application/problem+json');
    }
  });

  it('describes the purchase body, its answer and the problem body', () => {
    const schemas = doc.components?.schemas ?? {};
    const body = doc.paths['/buy'].post.requestBody?.content?.['application/json']?.schema?.$ref ?? '';
    expect(Object.keys(schemas[body.split('/').pop() ?? '']?.properties ?? {})).toEqual(
      expect.arrayContaining(['productId', 'quantity']),
    );
    const buy = doc.paths['/buy'].post.responses['201'].content?.['application/json']?.schema?.$ref ?? '';
    const resultSchema = schemas[buy.split('/').pop() ?? ''];
    expect(Object.keys(resultSchema?.properties ?? {})).toEqual(
      expect.arrayContaining(['orderId', 'productId', 'quantity', 'remaining']),
    );
    const problem =
      doc.paths['/buy'].post.responses['409'].content?.['application/problem+json']?.schema?.$ref ?? '';
    expect(Object.keys(schemas[problem.split('/').pop() ?? '']?.properties ?? {})).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    );
  });

  it('serves Swagger UI as HTML at /docs', async () => {
    const reply = await send(server.baseUrl, { path: ApiRoutes.docs });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^text\/html/);
    expect(reply.text).toMatch(/swagger-ui/i);
  });
});

interface Operation {
  tags?: string[];
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: { $ref: string } }> };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: Record<string, { schema?: unknown }> }
  >;
}
type Schema = { properties?: Record<string, Record<string, unknown>>; additionalProperties?: unknown };
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
  tags?: { name: string }[];
  servers?: { url: string }[];
  info: { license?: { name: string } };
}

const operations = (doc: Document) =>
  Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      route: `${method.toUpperCase()} ${path}`,
      method,
      path,
      operation,
    })),
  );
const schemaNamed = (doc: Document, ref: string) => doc.components.schemas[ref.split('/').pop() ?? ''];

/** What the document promises is what the server does, for the configuration it runs with. */
describe.each([
  ['without', {}],
  ['with', { METRICS_TOKEN: 'metrics-token-0123456789' }],
])('the OpenAPI document says exactly what the server does (%s METRICS_TOKEN)', (withToken, env) => {
  const server = useServer(catalogWithStocks(1), { MAX_QUANTITY_PER_PURCHASE: '7', ...env });
  let doc: Document;
  beforeAll(async () => {
    doc = (await send<Document>(server.baseUrl, { path: ApiRoutes.openApiJson })).body;
  });

  it('ids and quantities are positive integers, the quantity at most the configured MAX_QUANTITY_PER_PURCHASE', () => {
    const buy = schemaNamed(
      doc,
      doc.paths['/buy'].post.requestBody?.content['application/json'].schema.$ref ?? '',
    );
    expect(buy.properties?.['productId']).toMatchObject({ type: 'integer', minimum: 1 });
    expect(buy.properties?.['quantity']).toMatchObject({ type: 'integer', minimum: 1, maximum: 7 });
    for (const { route, operation } of operations(doc)) {
      for (const param of (operation.parameters ?? []).filter((p) => p.name === 'id')) {
        expect({ route, schema: param.schema }).toEqual({
          route,
          schema: expect.objectContaining({ type: 'integer', minimum: 1 }),
        });
      }
    }
    expect(doc.components.schemas['ProductDto'].properties?.['id']).toMatchObject({
      type: 'integer',
      minimum: 1,
    });
    expect(doc.components.schemas['OrderDto'].properties?.['quantity']).toMatchObject({ type: 'integer' });
  });

  it('refuses undeclared fields in every body, as the validation pipe does, and says the syntax of currency and cursors', () => {
    const bodies = operations(doc).filter(({ operation }) => operation.requestBody);
    expect(bodies.length).toBeGreaterThanOrEqual(6);
    for (const { route, operation } of bodies) {
      const schema = schemaNamed(doc, operation.requestBody?.content['application/json'].schema.$ref ?? '');
      expect({ route, additionalProperties: schema.additionalProperties }).toEqual({
        route,
        additionalProperties: false,
      });
    }
    for (const name of ['ProductDto', 'CreateDropDto', 'UpdateDropDto', 'AdminProductDto']) {
      expect(doc.components.schemas[name].properties?.['currency']).toMatchObject({ pattern: '^[A-Z]{3}$' });
    }
    const after = doc.paths['/admin/products/{id}/orders'].get.parameters?.find((p) => p.name === 'after');
    expect(after?.schema).toMatchObject({ pattern: '^[A-Za-z0-9_-]+$', maxLength: 200 });
    const before = doc.paths['/admin/audit'].get.parameters?.find((p) => p.name === 'before');
    expect(before?.schema).toMatchObject({ pattern: expect.any(String) });
  });

  it('declares X-Request-Id on every answer, WWW-Authenticate on 401, Retry-After on 429 and 503', () => {
    for (const { route, operation } of operations(doc)) {
      for (const [status, response] of Object.entries(operation.responses)) {
        const headers = Object.keys(response.headers ?? {});
        const expected = [
          'X-Request-Id',
          ...(status === '401' ? ['WWW-Authenticate'] : []),
          ...(['429', '503'].includes(status) ? ['Retry-After'] : []),
        ];
        expect({ route, status, headers }).toEqual({
          route,
          status,
          headers: expect.arrayContaining(expected),
        });
      }
    }
    expect(Object.keys(doc.paths['/buy'].post.responses['201'].headers ?? {})).toContain(
      'Idempotent-Replayed',
    );
    expect(Object.keys(doc.paths['/products/{id}/inventory'].get.responses['200'].headers ?? {})).toEqual(
      expect.arrayContaining(['ETag', 'Cache-Control']),
    );
  });

  it('documents 304 on every GET that answers If-None-Match, and 503 wherever the store is reached', () => {
    // The process's own figures, and the tickets' public key (held in memory from start-up).
    const ANSWERED_WITHOUT_THE_STORE = ['/metrics', '/tickets/keys'];
    for (const { route, method, path, operation } of operations(doc)) {
      const statuses = Object.keys(operation.responses);
      // Streams (events, the CSV export) are written as they are read: no tag to revalidate.
      if (method === 'get' && !path.endsWith('/stream') && !path.endsWith('/export'))
        expect({ route, statuses }).toEqual({ route, statuses: expect.arrayContaining(['304']) });
      if (!ANSWERED_WITHOUT_THE_STORE.includes(path))
        expect({ route, statuses }).toEqual({ route, statuses: expect.arrayContaining(['503']) });
    }
  });

  it('describes the /health body, and secures /metrics only when METRICS_TOKEN is set', () => {
    expect(doc.paths['/health'].get.responses['200'].content?.['application/json']?.schema).toMatchObject({
      required: ['status', 'info', 'error', 'details'],
    });
    const metrics = doc.paths['/metrics'].get;
    if (withToken === 'with') {
      expect(metrics.security).toEqual([{ metrics: [] }]);
      expect(Object.keys(metrics.responses)).toContain('401');
    } else {
      expect(metrics.security).toEqual([]);
      expect(Object.keys(metrics.responses)).not.toContain('401');
    }
  });

  it('promises no code the server never sends, and names its tags, server and license', () => {
    const codes = doc.components.schemas['ProblemDetailsSchema'].properties?.['code']?.['enum'];
    expect(codes).toContain('SOLD_OUT');
    expect(codes).not.toContain('IDEMPOTENCY_KEY_IN_USE');
    const used = new Set(operations(doc).flatMap(({ operation }) => operation.tags ?? []));
    expect((doc.tags ?? []).map((t) => t.name).sort()).toEqual([...used].sort());
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(doc.info.license?.name).toBe('MIT');
  });
});
