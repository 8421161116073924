import { ErrorCode } from '@gtd/shared-contracts';

/** Bodies are small by design (a purchase is two numbers); anything bigger is refused early. */
export const MAX_BODY_BYTES = 16 * 1024;

/** One wording per body problem, used by the Express and the Fastify body readers alike. */
export const BodyProblem = {
  malformed: 'The request body is not well-formed JSON.',
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
