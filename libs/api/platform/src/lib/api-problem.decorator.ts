import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ErrorCode, FieldError, ProblemDetails, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import { buildProblem, PROBLEM_CATALOGUE } from './problem';

/**
 * The codes an answer can carry. IDEMPOTENCY_KEY_IN_USE is reserved (see its comment in
 * error-codes.ts): no store here sends it, so the document does not promise it under any status.
 */
const SENT_CODES = Object.values(ErrorCode).filter((code) => code !== ErrorCode.IdempotencyKeyInUse);

/** The headers a problem's status carries besides X-Request-Id (declared in openapi-contract.ts). */
const PROBLEM_HEADERS: Record<number, Record<string, { $ref: string }>> = {
  // Every 401 names the scheme that would succeed (ProblemDetailsFilter).
  401: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
  429: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
  // A dependency fault and a full password-hash queue say when to come back; a not-ready /health does not.
  503: { 'Retry-After': { $ref: '#/components/headers/Retry-After-If-Known' } },
};

class FieldErrorSchema implements FieldError {
  @ApiProperty({ example: 'quantity' }) field!: string;
  @ApiProperty({ example: ['quantity must not be greater than 10'] })
  messages!: string[];
}

/** OpenAPI schema of the single error body. */
export class ProblemDetailsSchema implements ProblemDetails {
  @ApiProperty({ example: 'urn:golden-ticket-drop:problem:sold-out' })
  type!: string;
  @ApiProperty({ example: 'Sold out' }) title!: string;
  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599, example: 409 }) status!: number;
  @ApiProperty({ example: 'Product 1 is sold out.' }) detail!: string;
  @ApiProperty({ enum: SENT_CODES, example: ErrorCode.SoldOut })
  code!: ErrorCode;
  @ApiPropertyOptional({ example: '/buy' }) instance?: string;
  @ApiPropertyOptional({ type: [FieldErrorSchema] }) errors?: FieldError[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 2,
    description: 'Stock left, on INSUFFICIENT_STOCK',
  })
  available?: number;
  @ApiPropertyOptional({ type: 'integer', minimum: 1, example: 1 }) productId?: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the drop opens, on NOT_STARTED' })
  startsAt?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the drop closed, on ENDED' })
  endsAt?: string;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 2,
    description: "The drop's per-buyer limit, on LIMIT_REACHED",
  })
  limit?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 2,
    description: 'What this buyer already holds, on LIMIT_REACHED',
  })
  bought?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 12,
    description: 'Seconds to wait (also `Retry-After`), on RATE_LIMITED and SERVICE_UNAVAILABLE',
  })
  retryAfterSeconds?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    example: 120,
    description: "The ticket's place in the waiting room, on QUEUE_NOT_YOUR_TURN (once drawn)",
  })
  position?: number;
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    example: 100,
    description: 'How far admission has reached, on QUEUE_NOT_YOUR_TURN',
  })
  admittedThrough?: number;
  @ApiPropertyOptional({ format: 'date-time', description: 'When the pass ran out, on QUEUE_PASS_EXPIRED' })
  expiresAt?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the ticket was admitted, on ALREADY_CHECKED_IN',
  })
  checkedInAt?: string;
  @ApiPropertyOptional({
    example: 'north-gate-2',
    description: 'Which scanner admitted the ticket, on ALREADY_CHECKED_IN',
  })
  scanner?: string;
  @ApiPropertyOptional({
    enum: Object.values(PurchaseFaultOutcome),
    description:
      'On SERVICE_UNAVAILABLE from `POST /buy`: `NOT_MADE` (the store was not reached, nothing sold) or ' +
      '`UNKNOWN` (it may have sold: retry with the same `Idempotency-Key`, or look the order up)',
  })
  purchase?: PurchaseFaultOutcome;
  @ApiPropertyOptional({
    enum: Object.values(PurchaseFaultOutcome),
    description:
      'On SERVICE_UNAVAILABLE from `POST /admin/orders/{orderId}/cancel`: `NOT_MADE` (nothing was cancelled) or ' +
      '`UNKNOWN` (it may have been: look the order up, or cancel again — a second cancel answers 409)',
  })
  cancel?: PurchaseFaultOutcome;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the operator cancelled the order, on ORDER_ALREADY_CANCELLED and TICKET_REVOKED',
  })
  cancelledAt?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    description:
      'On SERVICE_UNAVAILABLE from `GET /admin/health` only: each check as in the 200 answer, so figures ' +
      'such as the persister backlog stay visible while a dependency is down',
  })
  details?: Record<string, Record<string, unknown>>;
}

/**
 * Documents the problem answers a route can give, grouped by status, with one example per code,
 * all derived from the same catalogue the filter uses.
 */
export function ApiProblems(...codes: ErrorCode[]): MethodDecorator & ClassDecorator {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const { status } = PROBLEM_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return applyDecorators(
    ...[...byStatus].map(([status, group]) =>
      ApiResponse({
        status,
        description: group.map((code) => `\`${code}\``).join(' or '),
        headers: PROBLEM_HEADERS[status],
        content: {
          'application/problem+json': {
            schema: { $ref: '#/components/schemas/ProblemDetailsSchema' },
            examples: Object.fromEntries(
              group.map((code) => [
                code,
                {
                  value: buildProblem(code, PROBLEM_CATALOGUE[code].title + '.', undefined),
                },
              ]),
            ),
          },
        },
      }),
    ),
  );
}
