import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { BearerChallenge, DomainError } from '@gtd/api-platform';
import { Buyer, ErrorCode } from '@gtd/shared-contracts';
import { bearerToken, invalidBuyerToken } from './bearer';
import { BuyerTokens } from './buyer-tokens';

/** Both Express and Fastify requests expose the raw headers; the guard adds who is buying. */
export interface BuyerAwareRequest {
  headers: Record<string, string | string[] | undefined>;
  buyer?: Buyer | null;
}

/** Name of the buyer bearer scheme in the OpenAPI document. */
export const BUYER_SECURITY_SCHEME = 'buyer';

/**
 * Signs the request's buyer in when it carries a token: no `Authorization` header means anonymous;
 * a header that is present but malformed, expired or forged is refused with 401 UNAUTHORIZED — never
 * silently treated as anonymous, which would hide the client's bug behind AUTH_REQUIRED later.
 */
@Injectable()
export class OptionalBuyerGuard implements CanActivate {
  constructor(private readonly tokens: BuyerTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BuyerAwareRequest>();
    request.buyer = signedInBuyer(request, this.tokens);
    return true;
  }
}

/**
 * For routes that are the buyer's own (their orders): no `Authorization` header is 401
 * AUTH_REQUIRED (challenge `Bearer`), one that is no good 401 UNAUTHORIZED (`invalid_token`), as
 * everywhere else a buyer token is read.
 */
@Injectable()
export class BuyerGuard implements CanActivate {
  constructor(private readonly tokens: BuyerTokens) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<BuyerAwareRequest>();
    const buyer = signedInBuyer(request, this.tokens);
    if (!buyer) throw signInRequired();
    request.buyer = buyer;
    return true;
  }
}

/** The request's verified buyer, null without a header; a header that is no good is refused. */
function signedInBuyer(request: BuyerAwareRequest, tokens: BuyerTokens): Buyer | null {
  const header = request.headers['authorization'];
  if (header === undefined) return null;
  const token = bearerToken(Array.isArray(header) ? undefined : header);
  const buyer = token === undefined ? undefined : tokens.verify(token);
  if (!buyer) throw invalidBuyerToken();
  return buyer;
}

const signInRequired = (): DomainError =>
  new DomainError(
    ErrorCode.AuthRequired,
    'Sign in first: send the buyer token as `Authorization: Bearer <token>`.',
    {},
    BearerChallenge.required,
  );

/** The signed-in buyer of a route guarded by OptionalBuyerGuard, or null when anonymous. */
export const CurrentBuyer = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Buyer | null =>
    context.switchToHttp().getRequest<BuyerAwareRequest>().buyer ?? null,
);

/** The signed-in buyer of a route guarded by BuyerGuard. */
export const SignedInBuyer = createParamDecorator((_data: unknown, context: ExecutionContext): Buyer => {
  const buyer = context.switchToHttp().getRequest<BuyerAwareRequest>().buyer;
  // BuyerGuard refuses a request without one before any handler runs.
  if (!buyer) throw new Error('SignedInBuyer used on a route without BuyerGuard');
  return buyer;
});

/** Documents a route guarded by BuyerGuard: the buyer's bearer token only. */
export function ApiBuyer(): MethodDecorator & ClassDecorator {
  return ApiBearerAuth(BUYER_SECURITY_SCHEME);
}

/**
 * Documents a route guarded by OptionalBuyerGuard: anonymous (`{}`) or the buyer's bearer token.
 * (The guard itself is listed in the route's `@UseGuards`, where its order among guards is explicit.)
 */
export function ApiOptionalBuyer(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiSecurity({}), ApiBearerAuth(BUYER_SECURITY_SCHEME));
}
