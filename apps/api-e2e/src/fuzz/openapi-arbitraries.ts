import fc, { Arbitrary } from 'fast-check';
import type { RequestSpec } from '@gtd/testing';
import type { OpenApiDocument, OpenApiOperation } from '../openapi/contract-checker';

type Schema = Record<string, unknown>;

/** Credentials the generated requests may carry; the spec fills them in once its server runs. */
export interface FuzzCredentials {
  adminToken: string;
  buyerToken: string;
}

/** One operation of the document, and the requests generated for it. */
export interface FuzzTarget {
  method: string;
  template: string;
  operation: OpenApiOperation;
}

export function targetsOf(document: OpenApiDocument): FuzzTarget[] {
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method: method.toUpperCase(),
      template,
      operation,
    })),
  );
}

function resolve(document: OpenApiDocument, schema: unknown): Schema {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) return (document.components?.schemas?.[ref.split('/').pop() ?? ''] ?? {}) as Schema;
  return (schema ?? {}) as Schema;
}

/** Printable ASCII: what a header value can carry (Node refuses to send anything else). */
const headerText = fc.stringMatching(/^[\x20-\x7e]{0,300}$/);

/** Values a schema accepts (mostly), near its edges; the server must take or refuse each as documented. */
function valid(document: OpenApiDocument, raw: unknown): Arbitrary<unknown> {
  const schema = resolve(document, raw);
  const nullable = schema['nullable'] === true;
  let value: Arbitrary<unknown>;
  if (Array.isArray(schema['enum'])) {
    value = fc.constantFrom(...(schema['enum'] as unknown[]));
  } else if (schema['type'] === 'integer' || schema['type'] === 'number') {
    const min = typeof schema['minimum'] === 'number' ? schema['minimum'] : -1000;
    const max = typeof schema['maximum'] === 'number' ? schema['maximum'] : min + 1_000_000;
    // Small values mostly (they name the products that exist and quantities that sell), edges sometimes.
    value = fc.oneof(
      { weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 5) }) },
      { weight: 1, arbitrary: fc.constantFrom(min, max) },
      { weight: 1, arbitrary: fc.integer({ min, max: Math.min(max, Number.MAX_SAFE_INTEGER) }) },
    );
  } else if (schema['type'] === 'string') {
    if (schema['format'] === 'date-time')
      value = fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
    else if (schema['format'] === 'uuid') value = fc.uuid();
    else if (schema['format'] === 'email') value = fc.emailAddress();
    else if (typeof schema['pattern'] === 'string') value = fc.stringMatching(new RegExp(schema['pattern']));
    else {
      const minLength = Number(schema['minLength'] ?? 0);
      value = fc.string({
        minLength,
        maxLength: Math.min(Number(schema['maxLength'] ?? 40), minLength + 40),
      });
    }
  } else if (schema['type'] === 'boolean') {
    value = fc.boolean();
  } else if (schema['type'] === 'object' && schema['properties']) {
    const properties = schema['properties'] as Record<string, unknown>;
    value = fc.record(
      Object.fromEntries(Object.entries(properties).map(([name, s]) => [name, valid(document, s)])),
      { requiredKeys: (schema['required'] as string[] | undefined) ?? [] },
    );
  } else {
    value = fc.jsonValue();
  }
  return nullable ? fc.option(value, { nil: null, freq: 5 }) : value;
}

/** A body near the schema, broken in one way, or anything at all. */
function body(document: OpenApiDocument, raw: unknown): Arbitrary<unknown> {
  const good = valid(document, raw) as Arbitrary<Record<string, unknown>>;
  return fc.oneof(
    { weight: 5, arbitrary: good },
    // One field made anything (wrong type, out of range), or one field the DTO does not declare.
    {
      weight: 3,
      arbitrary: fc.tuple(good, fc.string({ maxLength: 12 }), fc.jsonValue()).map(([object, key, value]) => {
        const keys = Object.keys(object ?? {});
        const target = keys.length > 0 && key.length % 2 === 0 ? keys[key.length % keys.length] : key;
        return { ...object, [target]: value };
      }),
    },
    { weight: 2, arbitrary: fc.jsonValue() },
  );
}

/** A path parameter: as the schema says, or not a positive integer, or not even digits. */
function pathValue(document: OpenApiDocument, raw: unknown, streaming: boolean): Arbitrary<string> {
  const schema = resolve(document, raw);
  // A known product's event stream never ends: its ids are left to the SSE spec.
  const good =
    streaming && schema['type'] === 'integer'
      ? fc.integer({ min: 1_000_000, max: Number.MAX_SAFE_INTEGER })
      : valid(document, schema);
  return fc
    .oneof(
      { weight: 5, arbitrary: good.map(String) },
      { weight: 1, arbitrary: fc.integer({ min: -5, max: 0 }).map(String) },
      { weight: 1, arbitrary: fc.constantFrom('1.5', '1e3', '01', '+1', '9007199254740993', 'abc', '%00') },
      { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent) },
    )
    .map(String);
}

function queryValue(document: OpenApiDocument, raw: unknown): Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: valid(document, raw).map(String) },
    { weight: 1, arbitrary: fc.string({ maxLength: 600 }) },
  );
}

function headersFor(target: FuzzTarget, credentials: FuzzCredentials): Arbitrary<Record<string, string>> {
  const admin = `Bearer ${credentials.adminToken}`;
  const buyer = `Bearer ${credentials.buyerToken}`;
  // What a well-behaved client sends for this route: the token it needs, JSON, maybe a key.
  const sane = fc.record(
    {
      authorization: target.template.startsWith('/admin')
        ? fc.constant(admin)
        : fc.constantFrom(undefined, buyer),
      'content-type': fc.constant('application/json'),
      'idempotency-key': fc.option(fc.uuid(), { nil: undefined }),
    },
    { requiredKeys: ['authorization', 'content-type', 'idempotency-key'] },
  );
  // And every header in any state.
  const wild = fc.record(
    {
      authorization: fc.constantFrom(admin, buyer, 'Bearer not-a-token', 'Basic YTpi', 'Bearer'),
      'content-type': fc.constantFrom(
        'application/json; charset=utf-8',
        'application/merge-patch+json',
        'text/plain',
        'application/json; charset=latin1',
        'multipart/form-data; boundary=x',
      ),
      'idempotency-key': fc.oneof(fc.uuid(), headerText),
      'if-none-match': fc.constantFrom('*', '"1-1-live-1000"', 'W/"x"'),
      'x-request-id': headerText,
    },
    { requiredKeys: [] },
  );
  return fc.oneof({ weight: 3, arbitrary: sane }, { weight: 2, arbitrary: wild }).map((headers) => {
    const sent: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent[name] = value;
    // A route without a body gets no content type, so every one it answers is about the rest.
    if (!target.operation.requestBody) delete sent['content-type'];
    return sent;
  });
}

/** Requests for one operation: its path and query parameters, headers and body, from the schema and beyond. */
export function requestsFor(
  document: OpenApiDocument,
  target: FuzzTarget,
  credentials: FuzzCredentials,
): Arbitrary<RequestSpec> {
  const params = target.operation.parameters ?? [];
  const streaming = target.template.endsWith('/stream');
  const path = fc.tuple(
    ...params
      .filter((p) => p.in === 'path')
      .map((p) => pathValue(document, p.schema, streaming).map((value) => [p.name, value] as const)),
  );
  const query = fc.record(
    Object.fromEntries(
      params.filter((p) => p.in === 'query').map((p) => [p.name, queryValue(document, p.schema)]),
    ),
    { requiredKeys: [] },
  );
  const schema = target.operation.requestBody?.content['application/json']?.schema;
  const payload = schema
    ? fc.oneof(
        { weight: 9, arbitrary: body(document, schema).map((json) => JSON.stringify(json)) },
        { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
      )
    : fc.constant(undefined);
  return fc
    .tuple(path, query, payload, headersFor(target, credentials))
    .map(([pathValues, queryValues, rawBody, headers]): RequestSpec => {
      let url = target.template;
      for (const [name, value] of pathValues) url = url.replace(`{${name}}`, value);
      const search = new URLSearchParams(queryValues as Record<string, string>).toString();
      return {
        method: target.method,
        path: search ? `${url}?${search}` : url,
        headers,
        ...(rawBody === undefined ? {} : { rawBody }),
        timeoutMs: 10_000,
      };
    });
}
