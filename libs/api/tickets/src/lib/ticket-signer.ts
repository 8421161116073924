import { createHash, createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { TicketStore } from '@gtd/api-inventory';
import { isUuid, parseEd25519PrivateKey } from '@gtd/api-platform';
import { TICKET_AUDIENCE, TicketClaims, TicketPublicKey } from '@gtd/shared-contracts';
import { TICKETS_OPTIONS, TicketsModuleOptions } from './tickets.options';

/** What a ticket proves: this order, of this product, for this many units, sold then. */
export interface TicketFacts {
  orderId: string;
  productId: number;
  quantity: number;
  soldAtMs: number;
}

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');
const isPositiveInt = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0;

/**
 * Signs tickets as compact JWS with Ed25519 (`EdDSA`, RFC 8037) through node:crypto, and checks
 * them. A standard JWS rather than a format of our own: a door app verifies a ticket offline with
 * any JOSE library and the published JWK. The one key is TICKET_SIGNING_KEY, or else one generated
 * once and kept in the durable store, so every instance signs alike and a restart voids nothing.
 */
@Injectable()
export class TicketSigner implements OnModuleInit {
  private privateKey: KeyObject | undefined;
  private publicKey: KeyObject | undefined;
  private jwk: TicketPublicKey | undefined;
  /** `base64url(header) + '.'`: the same for every ticket of this key. */
  private headerPart = '';

  constructor(
    @Inject(TicketStore) private readonly store: TicketStore,
    @Inject(TICKETS_OPTIONS) private readonly options: TicketsModuleOptions,
  ) {}

  async onModuleInit(): Promise<void> {
    const configured = this.options.signingKey;
    const pem =
      configured ??
      (await this.store.signingKey(
        generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      ));
    this.privateKey = parseEd25519PrivateKey(pem);
    this.publicKey = createPublicKey(this.privateKey);
    const { x } = this.publicKey.export({ format: 'jwk' });
    // RFC 7638 thumbprint of the public key: the same key has the same id on every instance.
    const kid = createHash('sha256')
      .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
      .digest('base64url');
    this.jwk = { kty: 'OKP', crv: 'Ed25519', x: x as string, kid, alg: 'EdDSA', use: 'sig' };
    this.headerPart = base64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid })) + '.';
  }

  /** The public key, for `GET /tickets/keys`. */
  publicJwk(): TicketPublicKey {
    return { ...this.ready().jwk };
  }

  sign(facts: TicketFacts): string {
    const { privateKey } = this.ready();
    const claims: TicketClaims = {
      sub: facts.orderId,
      aud: TICKET_AUDIENCE,
      pid: facts.productId,
      qty: facts.quantity,
      iat: Math.floor(facts.soldAtMs / 1000),
    };
    const signingInput = this.headerPart + base64url(JSON.stringify(claims));
    return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
  }

  /** The ticket's facts, or undefined when it is malformed, forged, altered or signed by another key. */
  verify(token: string): TicketFacts | undefined {
    const { publicKey } = this.ready();
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts;
    // Only this key's own header: no `alg` or `kid` of the token's choosing is ever honoured.
    if (`${header}.` !== this.headerPart) return undefined;
    let claims: Partial<TicketClaims>;
    try {
      const signed = verify(
        null,
        Buffer.from(`${header}.${payload}`),
        publicKey,
        Buffer.from(signature, 'base64url'),
      );
      if (!signed) return undefined;
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      // A signature of the wrong length, or a signed payload that is not JSON.
      return undefined;
    }
    if (
      claims.aud !== TICKET_AUDIENCE ||
      typeof claims.sub !== 'string' ||
      !isUuid(claims.sub) ||
      !isPositiveInt(claims.pid) ||
      !isPositiveInt(claims.qty) ||
      !Number.isSafeInteger(claims.iat)
    )
      return undefined;
    return {
      orderId: claims.sub,
      productId: claims.pid,
      quantity: claims.qty,
      soldAtMs: (claims.iat as number) * 1000,
    };
  }

  private ready() {
    if (!this.privateKey || !this.publicKey || !this.jwk) throw new Error('TicketSigner used before init');
    return { privateKey: this.privateKey, publicKey: this.publicKey, jwk: this.jwk };
  }
}
