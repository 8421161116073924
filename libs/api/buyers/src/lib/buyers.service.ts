import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthSession, Credentials, ErrorCode } from '@gtd/shared-contracts';
import { BuyerStore, normalizeEmail } from '@gtd/api-inventory';
import { DomainError } from '@gtd/api-platform';
import { BuyerTokens } from './buyer-tokens';
import { DECOY_HASH, hashPassword, verifyPassword } from './password-hash';
import { PasswordHashGate } from './password-hash-gate';

/** Register and sign in: accounts live in the store, sessions are stateless bearer tokens. */
@Injectable()
export class BuyersService {
  constructor(
    @Inject(BuyerStore) private readonly store: BuyerStore,
    private readonly tokens: BuyerTokens,
    private readonly hashes: PasswordHashGate,
  ) {}

  async register(credentials: Credentials): Promise<AuthSession> {
    const email = normalizeEmail(credentials.email);
    const buyer = {
      id: randomUUID(),
      email,
      passwordHash: await this.hashes.run(() => hashPassword(credentials.password)),
      createdAt: new Date().toISOString(),
    };
    // The store's unique email decides, so two registrations racing for one address cannot both win.
    if (!(await this.store.create(buyer))) {
      throw new DomainError(ErrorCode.EmailTaken, `An account for ${email} already exists; sign in instead.`);
    }
    return this.tokens.issue(buyer);
  }

  async signIn(credentials: Credentials): Promise<AuthSession> {
    const buyer = await this.store.findByEmail(credentials.email);
    // An unknown email still costs one full scrypt run, so response times do not reveal accounts.
    const matches = await this.hashes.run(() =>
      verifyPassword(credentials.password, buyer?.passwordHash ?? DECOY_HASH),
    );
    if (!buyer || !matches) {
      throw new DomainError(ErrorCode.InvalidCredentials, 'The email or the password is wrong.');
    }
    return this.tokens.issue(buyer);
  }
}
