import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { JwtService } from '@nestjs/jwt';
import { AuthSession, Buyer } from '@gtd/shared-contracts';
import { BUYERS_OPTIONS, BuyersModuleOptions } from './buyers.options';

/** The claims of a buyer's token: `sub` is the buyer id. */
interface BuyerClaims {
  sub: string;
  email: string;
}

/** Only HS256 is ever accepted, so a token cannot pick a weaker algorithm (or `none`) for itself. */
const ALGORITHM = 'HS256';

/** Issues and checks buyers' bearer tokens (JWT, HS256). */
@Injectable()
export class BuyerTokens {
  constructor(
    private readonly jwt: JwtService,
    @Inject(BUYERS_OPTIONS) private readonly options: BuyersModuleOptions,
  ) {}

  issue(buyer: Buyer): AuthSession {
    const claims: BuyerClaims = { sub: buyer.id, email: buyer.email };
    return {
      accessToken: this.jwt.sign(claims),
      tokenType: 'Bearer',
      expiresIn: this.options.tokenTtlSeconds,
      buyer: { id: buyer.id, email: buyer.email },
    };
  }

  /** The buyer a token names, or undefined when it is malformed, expired or signed with another secret. */
  verify(token: string): Buyer | undefined {
    try {
      const claims = this.jwt.verify<Partial<BuyerClaims>>(token, { algorithms: [ALGORITHM] });
      if (typeof claims.sub !== 'string' || typeof claims.email !== 'string') return undefined;
      return { id: claims.sub, email: claims.email };
    } catch {
      return undefined;
    }
  }
}

/** The signer behind BuyerTokens: the configured secret, or a random one for this process. */
export function createBuyerJwtService(options: BuyersModuleOptions): JwtService {
  return new JwtService({
    secret: options.jwtSecret ?? randomBytes(48).toString('base64url'),
    signOptions: { algorithm: ALGORITHM, expiresIn: options.tokenTtlSeconds },
    verifyOptions: { algorithms: [ALGORITHM] },
  });
}
