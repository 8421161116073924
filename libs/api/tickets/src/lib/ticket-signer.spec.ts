import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { connectStores, TicketStore } from '@gtd/api-inventory';
import { TicketSigner } from './ticket-signer';

const facts = () => ({
  orderId: randomUUID(),
  productId: 7,
  quantity: 2,
  soldAtMs: Date.parse('2030-01-01T20:00:00Z'),
});
const pem = () =>
  generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

async function signer(store: TicketStore, signingKey?: string): Promise<TicketSigner> {
  const made = new TicketSigner(store, { signingKey });
  await made.onModuleInit();
  return made;
}

/** A token's parts re-encoded, for forging. */
const parts = (token: string) => token.split('.');
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString());

describe('TicketSigner', () => {
  let store: TicketStore;

  beforeEach(async () => {
    store = (await connectStores({ store: 'memory', catalogPath: '', maxQuantityPerPurchase: 10 })).tickets;
  });

  it('signs a compact JWS (EdDSA) a door verifies offline with the published JWK alone', async () => {
    const tickets = await signer(store);
    const sold = facts();
    const token = tickets.sign(sold);
    const [header, payload, signature] = parts(token);
    const jwk = tickets.publicJwk();
    expect(decode(header)).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: jwk.kid });
    expect(decode(payload)).toEqual({
      sub: sold.orderId,
      aud: 'gtd-ticket',
      pid: 7,
      qty: 2,
      iat: sold.soldAtMs / 1000,
    });
    // What a door app does: the key from GET /tickets/keys, RFC 8037 verification, nothing of ours.
    const doorKey = createPublicKey({ key: { ...jwk }, format: 'jwk' });
    expect(
      verify(null, Buffer.from(`${header}.${payload}`), doorKey, Buffer.from(signature, 'base64url')),
    ).toBe(true);
    expect(tickets.verify(token)).toEqual(sold);
  });

  it('refuses altered, forged, truncated and foreign tokens', async () => {
    const tickets = await signer(store);
    const token = tickets.sign(facts());
    const [header, payload, signature] = parts(token);
    const claims = decode(payload);
    const other = generateKeyPairSync('ed25519').privateKey;
    const signedBy = (key: typeof other, head: string, body: string) =>
      `${head}.${body}.${sign(null, Buffer.from(`${head}.${body}`), key).toString('base64url')}`;
    const refused = [
      // More units than were sold, the signature kept.
      `${header}.${encode({ ...claims, qty: 10 })}.${signature}`,
      // A well-formed ticket signed by a key this system does not hold.
      signedBy(other, header, payload),
      // `alg: none` and an empty signature.
      `${encode({ alg: 'none', typ: 'JWT' })}.${payload}.`,
      // Another key id in the header.
      `${encode({ alg: 'EdDSA', typ: 'JWT', kid: 'attacker' })}.${payload}.${signature}`,
      `${header}.${payload}`,
      `${header}.${payload}.${signature.slice(0, 20)}`,
      `${token}.extra`,
      '',
      'not a ticket',
    ];
    for (const forged of refused) expect(tickets.verify(forged)).toBeUndefined();
  });

  it('refuses a token it signed whose claims are not a ticket (another audience, a bad order id)', async () => {
    const tickets = await signer(store);
    // Signed with the real key by hand, as a leaked-key attacker could not do but a bug might.
    const key = await store.signingKey('unused');
    const [header] = parts(tickets.sign(facts()));
    const privateKey = (await import('node:crypto')).createPrivateKey(key);
    for (const claims of [
      { ...decode(parts(tickets.sign(facts()))[1]), aud: 'gtd-queue-pass' },
      { ...decode(parts(tickets.sign(facts()))[1]), sub: '../../etc' },
      { ...decode(parts(tickets.sign(facts()))[1]), qty: 0 },
    ]) {
      const body = encode(claims);
      const token = `${header}.${body}.${sign(null, Buffer.from(`${header}.${body}`), privateKey).toString('base64url')}`;
      expect(tickets.verify(token)).toBeUndefined();
    }
  });

  it('uses the key kept in the store, so every instance signs and verifies alike', async () => {
    const [a, b] = await Promise.all([signer(store), signer(store)]);
    expect(a.publicJwk()).toEqual(b.publicJwk());
    const token = a.sign(facts());
    expect(b.verify(token)).toBeDefined();
  });

  it('uses TICKET_SIGNING_KEY when configured, as PEM or as base64 DER, and ignores the stored one', async () => {
    const configured = pem();
    const fromPem = await signer(store, configured);
    const der = (await import('node:crypto'))
      .createPrivateKey(configured)
      .export({ format: 'der', type: 'pkcs8' })
      .toString('base64');
    const fromDer = await signer(store, der);
    const stored = await signer(store);
    expect(fromDer.publicJwk()).toEqual(fromPem.publicJwk());
    expect(stored.publicJwk().kid).not.toBe(fromPem.publicJwk().kid);
    expect(stored.verify(fromPem.sign(facts()))).toBeUndefined();
  });
});
