import {
  applyDecorators,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
} from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { Buyer } from '@gtd/shared-contracts';
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
    const header = request.headers['authorization'];
    if (header === undefined) {
      request.buyer = null;
      return true;
    }
    const token = bearerToken(Array.isArray(header) ? undefined : header);
    const buyer = token === undefined ? undefined : this.tokens.verify(token);
    if (!buyer) throw invalidBuyerToken();
    request.buyer = buyer;
    return true;
  }
}

/** The signed-in buyer of a route guarded by OptionalBuyerGuard, or null when anonymous. */
export const CurrentBuyer = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Buyer | null =>
    context.switchToHttp().getRequest<BuyerAwareRequest>().buyer ?? null,
);

/**
 * Documents a route guarded by OptionalBuyerGuard: anonymous (`{}`) or the buyer's bearer token.
 * (The guard itself is listed in the route's `@UseGuards`, where its order among guards is explicit.)
 */
export function ApiOptionalBuyer(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiSecurity({}), ApiBearerAuth(BUYER_SECURITY_SCHEME));
}
