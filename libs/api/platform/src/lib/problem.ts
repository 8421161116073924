import { ErrorCode, ProblemDetails, problemType } from '@gtd/shared-contracts';
import { ProblemExtensions } from './domain-error';

/** The one exhaustive map from error code to HTTP status and human title. */
export const PROBLEM_CATALOGUE: Record<ErrorCode, { status: number; title: string }> = {
  [ErrorCode.SoldOut]: { status: 409, title: 'Sold out' },
  [ErrorCode.InsufficientStock]: {
    status: 409,
    title: 'Not enough stock left',
  },
  [ErrorCode.ProductNotFound]: { status: 404, title: 'Product not found' },
  [ErrorCode.OrderNotFound]: { status: 404, title: 'Order not found' },
  [ErrorCode.OrderAlreadyCancelled]: { status: 409, title: 'Order already cancelled' },
  [ErrorCode.ValidationFailed]: { status: 400, title: 'Validation failed' },
  [ErrorCode.MalformedJson]: { status: 400, title: 'Malformed JSON body' },
  [ErrorCode.UnsupportedMediaType]: {
    status: 415,
    title: 'Unsupported media type',
  },
  [ErrorCode.PayloadTooLarge]: { status: 413, title: 'Payload too large' },
  [ErrorCode.RouteNotFound]: { status: 404, title: 'Route not found' },
  [ErrorCode.BadRequest]: { status: 400, title: 'Bad request' },
  [ErrorCode.NotStarted]: { status: 409, title: 'Drop not started' },
  [ErrorCode.Ended]: { status: 409, title: 'Drop ended' },
  [ErrorCode.Paused]: { status: 409, title: 'Drop paused' },
  [ErrorCode.LimitReached]: { status: 409, title: 'Per-buyer limit reached' },
  [ErrorCode.AuthRequired]: { status: 401, title: 'Sign-in required' },
  [ErrorCode.Unauthorized]: { status: 401, title: 'Unauthorized' },
  [ErrorCode.AdminDisabled]: { status: 403, title: 'Operator API disabled' },
  [ErrorCode.EmailTaken]: { status: 409, title: 'Email already registered' },
  [ErrorCode.InvalidCredentials]: { status: 401, title: 'Invalid email or password' },
  [ErrorCode.RateLimited]: { status: 429, title: 'Too many requests' },
  [ErrorCode.IdempotencyKeyMismatch]: { status: 422, title: 'Idempotency key reused with another request' },
  [ErrorCode.IdempotencyKeyInUse]: { status: 409, title: 'Idempotency key in use' },
  [ErrorCode.QueueNotEnabled]: { status: 404, title: 'No waiting room for this drop' },
  [ErrorCode.QueueClosed]: { status: 409, title: 'Waiting room closed' },
  [ErrorCode.ProofOfWorkRequired]: { status: 400, title: 'Proof of work required' },
  [ErrorCode.ProofOfWorkInvalid]: { status: 400, title: 'Proof of work invalid' },
  [ErrorCode.QueueTicketInvalid]: { status: 403, title: 'Queue ticket invalid' },
  [ErrorCode.QueueNotDrawn]: { status: 409, title: 'Not drawn yet' },
  [ErrorCode.QueueNotYourTurn]: { status: 409, title: 'Not your turn yet' },
  [ErrorCode.QueuePassRequired]: { status: 403, title: 'Queue pass required' },
  [ErrorCode.QueuePassExpired]: { status: 403, title: 'Queue pass expired' },
  [ErrorCode.QueuePassInvalid]: { status: 403, title: 'Queue pass invalid' },
  [ErrorCode.QueuePassUsed]: { status: 403, title: 'Queue pass already used' },
  [ErrorCode.TicketInvalid]: { status: 400, title: 'Ticket invalid' },
  [ErrorCode.AlreadyCheckedIn]: { status: 409, title: 'Already checked in' },
  [ErrorCode.TicketRevoked]: { status: 409, title: 'Ticket revoked' },
  [ErrorCode.ServiceUnavailable]: { status: 503, title: 'Service unavailable' },
  [ErrorCode.InternalError]: { status: 500, title: 'Internal server error' },
};

export function buildProblem(
  code: ErrorCode,
  detail: string,
  instance?: string,
  extensions: ProblemExtensions = {},
): ProblemDetails {
  const { status, title } = PROBLEM_CATALOGUE[code];
  return {
    type: problemType(code),
    title,
    status,
    detail,
    code,
    instance,
    ...extensions,
  };
}
