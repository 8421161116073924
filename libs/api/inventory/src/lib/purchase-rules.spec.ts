import { idempotencyScope, legacyIdempotencyScope } from './purchase-rules';

describe('idempotencyScope', () => {
  const BUYER = '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001';

  it("is the buyer's id for a signed-in buyer, whatever the address", () => {
    expect(idempotencyScope(BUYER, '203.0.113.10')).toBe(BUYER);
    expect(idempotencyScope(BUYER, null)).toBe(BUYER);
  });

  it('gives each anonymous client address a scope of its own', () => {
    const addresses = ['203.0.113.10', '203.0.113.11', '2001:db8::20', '2001:db8::21'];
    const scopes = addresses.map((address) => idempotencyScope(null, address));
    expect(new Set(scopes).size).toBe(addresses.length);
    expect(scopes).not.toContain(legacyIdempotencyScope(null));
    expect(idempotencyScope(null, '203.0.113.10')).toBe(scopes[0]);
  });

  it('counts an IPv4 client the same whether the socket reports it IPv4-mapped or not', () => {
    expect(idempotencyScope(null, '::ffff:203.0.113.10')).toBe(idempotencyScope(null, '203.0.113.10'));
  });

  it("holds no ':' (it prefixes Redis key names) and cannot be taken for a buyer id", () => {
    for (const address of ['2001:db8::20', '::1', '203.0.113.10', '']) {
      expect(idempotencyScope(null, address)).toMatch(/^@[A-Za-z0-9_-]{22}$/);
    }
  });
});
