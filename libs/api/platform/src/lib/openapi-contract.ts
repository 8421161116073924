import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ReferenceObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ApiRoutes } from '@gtd/shared-contracts';

/** What the document depends on besides the decorators: the server's configuration. */
export interface OpenApiSettings {
  version: string;
  /** MAX_QUANTITY_PER_PURCHASE: the `maximum` of `quantity` in `POST /buy`. */
  maxQuantityPerPurchase: number;
  /** Whether METRICS_TOKEN is set: without it `GET /metrics` is open and never answers 401. */
  metricsTokenSet: boolean;
}

/** Headers every answer of a kind carries, declared once under `components.headers`. */
export const RESPONSE_HEADERS = {
  'X-Request-Id': {
    required: true,
    description:
      'The request’s id (the client’s own `X-Request-Id` when it sent a safe one, else a new UUID); the log line carries it too.',
    schema: { type: 'string', minLength: 1, maxLength: 128 },
  },
  'Retry-After': {
    required: true,
    description: 'Seconds to wait before trying again (the body’s `retryAfterSeconds` says the same).',
    schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
  },
  // Same header, on an answer that carries it only sometimes (a not-ready /health has no estimate).
  'Retry-After-If-Known': {
    description: 'Seconds to wait before trying again, when the server can tell (as `retryAfterSeconds`).',
    schema: { type: 'string', pattern: '^[1-9][0-9]*$' },
  },
  'WWW-Authenticate': {
    required: true,
    description:
      'The bearer scheme that would succeed (RFC 6750), with `error="invalid_token"` for a bad token.',
    schema: { type: 'string', pattern: '^Bearer' },
  },
} as const;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const headerRef = (name: keyof typeof RESPONSE_HEADERS) => ({ $ref: `#/components/headers/${name}` });

function operationsOf(document: OpenAPIObject): [path: string, method: string, OperationObject][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method): [string, string, OperationObject] => [
      path,
      method,
      item[method] as OperationObject,
    ]),
  );
}

function schemaOf(document: OpenAPIObject, schema: SchemaObject | ReferenceObject | undefined) {
  if (!schema || !('$ref' in schema)) return schema;
  return document.components?.schemas?.[schema.$ref.split('/').pop() ?? ''] as SchemaObject | undefined;
}

/**
 * The parts of the contract no decorator can say: what the configuration decides, and what holds
 * for every route alike (the global ValidationPipe, the request-id middleware, Express's
 * conditional GET). Changes `document` in place.
 */
export function completeDocument(document: OpenAPIObject, settings: OpenApiSettings): OpenAPIObject {
  const components = (document.components ??= {});
  components.headers = { ...components.headers, ...RESPONSE_HEADERS };

  // Every DTO schema is exact: the ValidationPipe runs with forbidNonWhitelisted (an undeclared
  // field in a body is 400 VALIDATION_FAILED), and every answer is built field by field.
  for (const schema of Object.values(components.schemas ?? {}) as SchemaObject[]) {
    if (schema.type === 'object' && schema.additionalProperties === undefined) {
      schema.additionalProperties = false;
    }
  }

  const buy = document.paths[ApiRoutes.buy]?.post?.requestBody as
    | { content: Record<string, { schema: SchemaObject | ReferenceObject }> }
    | undefined;
  const quantity = schemaOf(document, buy?.content['application/json']?.schema)?.properties?.['quantity'];
  if (quantity && !('$ref' in quantity)) quantity.maximum = settings.maxQuantityPerPurchase;

  for (const [path, method, operation] of operationsOf(document)) {
    if (path === ApiRoutes.metrics && !settings.metricsTokenSet) {
      operation.security = [];
      delete operation.responses['401'];
    }
    // Express answers `If-None-Match: *` (or a tag it recognises) with a bodiless 304 on any GET
    // whose answer it sends (RFC 9110 §13.1.2); the event stream is not one of them.
    const produces = Object.values(operation.responses).flatMap((r) =>
      Object.keys((r as ResponseObject).content ?? {}),
    );
    if (method === 'get' && !produces.includes('text/event-stream')) {
      operation.responses['304'] ??= {
        description: 'Not modified: `If-None-Match` names the current answer (or is `*`). No body.',
      };
    }
    for (const response of Object.values(operation.responses) as ResponseObject[]) {
      response.headers = { 'X-Request-Id': headerRef('X-Request-Id'), ...response.headers };
    }
  }
  return document;
}
