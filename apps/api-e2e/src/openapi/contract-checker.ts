import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { IncomingHttpHeaders } from 'node:http';

/** The parts of an OpenAPI 3.0 document the checker reads. */
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: {
    schemas?: Record<string, unknown>;
    headers?: Record<string, OpenApiHeader>;
  };
  [key: string]: unknown;
}

export interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, OpenApiResponse>;
  security?: Record<string, string[]>[];
}

export interface OpenApiResponse {
  description?: string;
  headers?: Record<string, OpenApiHeader | { $ref: string }>;
  content?: Record<string, { schema?: unknown }>;
}

export interface OpenApiHeader {
  required?: boolean;
  schema?: Record<string, unknown>;
}

/** The answer as the checker needs it (a `Reply` of @gtd/testing fits). */
export interface CheckedReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: unknown;
}

const ROOT = 'openapi';
const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);
/** OpenAPI annotations JSON Schema does not know; they say nothing about validity. */
const ANNOTATIONS = new Set(['example', 'examples', 'xml', 'externalDocs', 'discriminator', 'deprecated']);

/**
 * OpenAPI 3.0's schema dialect → JSON Schema (draft-07, as Ajv reads it): `nullable: true` becomes a
 * `null` alternative, references point into one schema holding every component.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (ANNOTATIONS.has(key) || key === 'nullable') continue;
    if (key === '$ref' && typeof value === 'string') {
      out[key] = value.replace('#/components/schemas/', `${ROOT}#/definitions/`);
    } else if (key === 'properties' && value && typeof value === 'object') {
      // A map of names to schemas: the names are data, not keywords.
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, toJsonSchema(s)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if ((node as { nullable?: boolean }).nullable !== true) return out;
  if (typeof out['type'] === 'string') {
    out['type'] = [out['type'], 'null'];
    if (Array.isArray(out['enum'])) out['enum'] = [...out['enum'], null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

interface Route {
  template: string;
  pattern: RegExp;
  literal: number;
}

function routesOf(document: OpenApiDocument): Route[] {
  return Object.keys(document.paths)
    .map((template) => ({
      template,
      pattern: new RegExp(
        '^' +
          template
            .split(/\{[^}]+\}/)
            .map((part) => part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
            .join('[^/]+') +
          '$',
      ),
      literal: template.replace(/\{[^}]+\}/g, '').length,
    }))
    .sort((a, b) => b.literal - a.literal);
}

const mediaType = (headers: IncomingHttpHeaders) =>
  String(headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();

/**
 * Holds answers against an OpenAPI document: is the status documented for the operation, is the
 * body's media type one it documents, does the body match its schema, are the required headers
 * there and well-formed. Paths the document does not describe (the storefront, Swagger UI) are
 * out of its scope, except that an error there must still be a problem.
 */
export class ContractChecker {
  private readonly ajv: Ajv;
  private readonly routes: Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(this.ajv);
    // A UI hint (mask the field), not a constraint.
    this.ajv.addFormat('password', true);
    this.ajv.addSchema({
      $id: ROOT,
      definitions: toJsonSchema(document.components?.schemas ?? {}) as Record<string, unknown>,
    });
    this.routes = routesOf(document);
  }

  /** The documented path template `path` (raw, query included) falls under, if any. */
  templateOf(path: string): string | undefined {
    const bare = path.split('?')[0];
    return this.routes.find((route) => route.pattern.test(bare))?.template;
  }

  /** What is wrong with `reply` as the answer to `method path`; empty when it is as documented. */
  check(method: string, path: string, reply: CheckedReply): string[] {
    if (reply.status === 0) return [];
    const verb = method.toLowerCase();
    const template = this.templateOf(path);
    const item = template === undefined ? undefined : this.document.paths[template];
    const operation = item?.[verb === 'head' ? 'get' : verb];
    if (!item || !operation) {
      // Not an operation of the contract: only an error must still be a problem.
      if (reply.status < 400 || path.startsWith('/docs')) return [];
      if (template !== undefined && METHODS.has(verb) && ![404, 405].includes(reply.status)) {
        return [`${reply.status} for a method the document does not list (expected 404 or 405)`];
      }
      return this.checkBody('ProblemDetails', reply, {
        'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetailsSchema' } },
      });
    }
    const response = operation.responses[String(reply.status)] ?? operation.responses['default'];
    if (!response) {
      return [`status ${reply.status} is not documented (documented: ${Object.keys(operation.responses)})`];
    }
    const key = `${template} ${verb} ${reply.status}`;
    return [
      ...this.checkHeaders(response, reply.headers),
      ...(verb === 'head' ? [] : this.checkBody(key, reply, response.content)),
    ];
  }

  private checkHeaders(response: OpenApiResponse, headers: IncomingHttpHeaders): string[] {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(response.headers ?? {})) {
      const header: OpenApiHeader =
        '$ref' in declared
          ? (this.document.components?.headers?.[declared.$ref.split('/').pop() ?? ''] ?? {})
          : declared;
      const value = headers[name.toLowerCase()];
      if (value === undefined) {
        if (header.required) problems.push(`required header ${name} is missing`);
        continue;
      }
      if (header.schema && !this.validator(JSON.stringify(header.schema), header.schema)(String(value))) {
        problems.push(
          `header ${name}: ${JSON.stringify(value)} does not match ${JSON.stringify(header.schema)}`,
        );
      }
    }
    return problems;
  }

  private checkBody(key: string, reply: CheckedReply, content: OpenApiResponse['content']): string[] {
    const type = mediaType(reply.headers);
    if (reply.text === '') {
      // A bodiless answer is fine where the document promises no body, or for a 304.
      return content && Object.keys(content).length > 0 && reply.status !== 304
        ? [`no body, documented: ${Object.keys(content)}`]
        : [];
    }
    if (!content || !content[type]) {
      return [`content type "${type}" is not documented (documented: ${Object.keys(content ?? {})})`];
    }
    const schema = content[type].schema;
    if (!schema || !type.endsWith('json')) return [];
    if (reply.body === undefined) return [`a ${type} body that is not JSON: ${reply.text.slice(0, 200)}`];
    const validate = this.validator(`${key} ${type}`, schema);
    if (validate(reply.body)) return [];
    return [
      `body does not match the schema: ${this.ajv.errorsText(validate.errors)}; body: ${reply.text.slice(0, 300)}`,
    ];
  }

  private validator(key: string, schema: unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }
}
