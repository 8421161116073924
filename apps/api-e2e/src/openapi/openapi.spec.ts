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
