import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuthSession, Credentials, ErrorCode } from '@gtd/shared-contracts';
import { BuyerRecord, BuyerStore, EmailKey } from '@gtd/api-inventory';
import { DomainError } from '@gtd/api-platform';
import { BuyerTokens } from './buyer-tokens';
import { BuyerVerification } from './buyer-verification';
import { BUYERS_OPTIONS, BuyersModuleOptions } from './buyers.options';
import { canonicalEmail, DEFAULT_EMAIL_POLICY, EmailPolicy, legacyEmailKey } from './email-canonical';
import { DECOY_HASH, hashPassword, verifyPassword } from './password-hash';
import { PasswordHashGate } from './password-hash-gate';

/** Register and sign in: accounts live in the store, sessions are stateless bearer tokens. */
@Injectable()
export class BuyersService {
  constructor(
    @Inject(BuyerStore) private readonly store: BuyerStore,
    private readonly tokens: BuyerTokens,
    private readonly hashes: PasswordHashGate,
    @Inject(BuyerVerification) private readonly verification: BuyerVerification,
    @Inject(BUYERS_OPTIONS) options: BuyersModuleOptions,
  ) {
    this.emailPolicy = options.emailPolicy ?? DEFAULT_EMAIL_POLICY;
  }

  private readonly emailPolicy: EmailPolicy;

  async register(credentials: Credentials): Promise<AuthSession> {
    const email = canonicalEmail(credentials.email, this.emailPolicy);
    const taken = () =>
      new DomainError(ErrorCode.EmailTaken, `An account for ${email} already exists; sign in instead.`);
    // An account stored before canonical keys, under this very spelling, is this account too.
    const legacy = legacyEmailKey(credentials.email);
    if (legacy !== email && (await this.store.findByEmail(legacy))) throw taken();
    const buyer = {
      id: randomUUID(),
      email,
      passwordHash: await this.hashes.run((deriveKey) => hashPassword(credentials.password, deriveKey)),
      createdAt: new Date().toISOString(),
    };
    // The store's unique key decides, so two registrations racing for one account cannot both win.
    if (!(await this.store.create(buyer))) throw taken();
    await this.verification.registered(buyer);
    return this.tokens.issue(buyer);
  }

  async signIn(credentials: Credentials): Promise<AuthSession> {
    const buyer = await this.findAccount(credentials.email);
    // An unknown email still costs one full scrypt run, so response times do not reveal accounts.
    const matches = await this.hashes.run((deriveKey) =>
      verifyPassword(credentials.password, buyer?.passwordHash ?? DECOY_HASH, deriveKey),
    );
    if (!buyer || !matches) {
      throw new DomainError(ErrorCode.InvalidCredentials, 'The email or the password is wrong.');
    }
    return this.tokens.issue(buyer);
  }

  /** By its canonical key, else (an account from before canonical keys) by its lower-cased spelling. */
  private async findAccount(email: string): Promise<BuyerRecord | undefined> {
    const key: EmailKey = canonicalEmail(email, this.emailPolicy);
    const legacy = legacyEmailKey(email);
    return (
      (await this.store.findByEmail(key)) ?? (legacy === key ? undefined : this.store.findByEmail(legacy))
    );
  }
}
