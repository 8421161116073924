import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from './domain-error';

/** Bodies are small by design (a purchase is two numbers); anything bigger is refused early. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Deepest nesting of objects and arrays a JSON body may have (the top-level object is level 1).
 * Our bodies are flat; the cap exists because the validation pipe walks a body recursively, and
 * a body nested a few thousand deep (16 KiB is enough) would overflow the stack there: a 500.
 */
export const MAX_JSON_DEPTH = 32;

/** One wording per body problem, used by the Express and the Fastify body readers alike. */
export const BodyProblem = {
  malformed: 'The request body is not well-formed JSON.',
  tooDeep: `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels.`,
  tooLarge: `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
  unreadable: 'The request body could not be read.',
  encoding: 'The request body uses an unsupported content encoding.',
  charset: 'The request body uses an unsupported charset.',
  notJson: 'Send the request body as application/json.',
} as const;

/** The problems any route that reads a JSON body may answer, for its `@ApiProblems`. */
export const BODY_PROBLEMS = [
  ErrorCode.ValidationFailed,
  ErrorCode.MalformedJson,
  ErrorCode.PayloadTooLarge,
  ErrorCode.UnsupportedMediaType,
] as const;

/** Whether an object or array nests deeper than `max` levels; iterative, so it cannot overflow itself. */
function nestsDeeperThan(value: object, max: number): boolean {
  const pending: [object, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    for (const child of Object.values(node)) {
      if (typeof child !== 'object' || child === null) continue;
      if (depth === max) return true;
      pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * The error for a parsed body nested deeper than MAX_JSON_DEPTH, if it is; both body readers ask
 * this right after JSON.parse, so both adapters refuse the same bodies. Only an object body is
 * measured: anything else (`null`, an array, however deep) is refused by the validation pipe as
 * "not a JSON object" before anything walks it, and that is the more useful answer.
 */
export function tooDeepError(body: unknown): DomainError | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  return nestsDeeperThan(body, MAX_JSON_DEPTH)
    ? new DomainError(ErrorCode.MalformedJson, BodyProblem.tooDeep)
    : undefined;
}
