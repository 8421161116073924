import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { JsonWebTokenError, JwtService, TokenExpiredError } from '@nestjs/jwt';
import { randomBytes } from 'node:crypto';
import { QueueStore, QueueTicketKind } from '@gtd/api-inventory';
import { QUEUE_OPTIONS, QueueModuleOptions } from './queue.options';

/** Only HS256, so a token cannot choose a weaker algorithm (or `none`) for itself. */
const ALGORITHM = 'HS256';
/** Each token kind has its own audience, so a ticket is never accepted as a pass or a buyer token. */
const TICKET_AUDIENCE = 'gtd-queue-ticket';
const PASS_AUDIENCE = 'gtd-queue-pass';
/** The name of the stored secret when QUEUE_SECRET is not configured. */
const SECRET_NAME = 'queue-tokens';

export interface TicketClaims {
  productId: number;
  kind: QueueTicketKind;
  n: number;
  /** The signed-in buyer who joined; `null`: anonymous. */
  buyerId: string | null;
}

export interface PassClaims {
  productId: number;
  position: number;
  buyerId: string | null;
  expiresAtMs: number;
}

export type PassCheck =
  | { ok: true; pass: PassClaims }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'expired'; expiresAtMs: number };

interface WireTicket {
  p: number;
  k: QueueTicketKind;
  n: number;
  b?: string;
}

interface WirePass {
  p: number;
  pos: number;
  b?: string;
  exp: number;
}

const isPositiveInt = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Signs and checks queue tickets and passes (JWT, HS256) with one key every instance shares:
 * QUEUE_SECRET, or else a secret generated once and kept in the store. Checking a pass reads
 * nothing, so `POST /buy` refuses a missing or forged pass before the store is touched.
 */
@Injectable()
export class QueueTokens implements OnModuleInit {
  private jwt: JwtService | undefined;
  private key: string | undefined;

  constructor(
    @Inject(QueueStore) private readonly store: QueueStore,
    @Inject(QUEUE_OPTIONS) private readonly options: QueueModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const secret =
      this.options.secret ??
      (await this.store.sharedSecret(SECRET_NAME, randomBytes(48).toString('base64url')));
    this.key = secret;
    this.jwt = new JwtService({
      secret,
      signOptions: { algorithm: ALGORITHM },
      verifyOptions: { algorithms: [ALGORITHM] },
    });
  }

  signTicket(ticket: TicketClaims): string {
    const wire: WireTicket = { p: ticket.productId, k: ticket.kind, n: ticket.n };
    if (ticket.buyerId !== null) wire.b = ticket.buyerId;
    return this.signer.sign(wire, { audience: TICKET_AUDIENCE, noTimestamp: true });
  }

  /** The ticket's claims, or undefined when it is malformed, forged or of another drop. */
  verifyTicket(token: string, productId: number): TicketClaims | undefined {
    try {
      const wire = this.signer.verify<Partial<WireTicket>>(token, { audience: TICKET_AUDIENCE });
      if (wire.p !== productId || (wire.k !== 'pre' && wire.k !== 'open') || !isPositiveInt(wire.n))
        return undefined;
      return { productId, kind: wire.k, n: wire.n, buyerId: typeof wire.b === 'string' ? wire.b : null };
    } catch {
      return undefined;
    }
  }

  signPass(pass: PassClaims): string {
    const wire: WirePass = {
      p: pass.productId,
      pos: pass.position,
      exp: Math.floor(pass.expiresAtMs / 1000),
    };
    if (pass.buyerId !== null) wire.b = pass.buyerId;
    return this.signer.sign(wire, { audience: PASS_AUDIENCE, noTimestamp: true });
  }

  /** Whether a pass lets its holder buy from `productId` at `nowMs`. */
  verifyPass(token: string, productId: number, nowMs: number): PassCheck {
    try {
      const wire = this.signer.verify<Partial<WirePass>>(token, {
        audience: PASS_AUDIENCE,
        clockTimestamp: Math.floor(nowMs / 1000),
      });
      if (wire.p !== productId || !isPositiveInt(wire.pos) || !isPositiveInt(wire.exp))
        return { ok: false, reason: 'invalid' };
      return {
        ok: true,
        pass: {
          productId,
          position: wire.pos,
          buyerId: typeof wire.b === 'string' ? wire.b : null,
          expiresAtMs: wire.exp * 1000,
        },
      };
    } catch (error) {
      if (error instanceof TokenExpiredError)
        return { ok: false, reason: 'expired', expiresAtMs: error.expiredAt.getTime() };
      if (error instanceof JsonWebTokenError) return { ok: false, reason: 'invalid' };
      throw error;
    }
  }

  /** The shared secret, for keys derived from it (the proof-of-work HMAC). */
  get secret(): string {
    if (this.key === undefined) throw new Error('QueueTokens used before the module initialised');
    return this.key;
  }

  private get signer(): JwtService {
    if (!this.jwt) throw new Error('QueueTokens used before the module initialised');
    return this.jwt;
  }
}
