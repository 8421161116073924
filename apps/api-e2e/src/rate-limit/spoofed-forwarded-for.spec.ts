import { ApiRoutes, AuditEntry } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, send, tally, useServer, volley } from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

const LIMIT = 5;
const TOKEN = 'e2e-spoof-operator-token-0123456789';

/** What a client behind an unbounded TRUST_PROXY may write into X-Forwarded-For: anything. */
const GARBAGE = ['admin', '<script>alert(1)</script>', '203.0.113.7x', 'unknown', '999.1.1.1', ''];

describe.each(HTTP_ADAPTERS)('TRUST_PROXY=true with a spoofed X-Forwarded-For on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(1000), {
    HTTP_ADAPTER: httpAdapter,
    TRUST_PROXY: 'true',
    BUY_RATE_LIMIT: String(LIMIT),
    ADMIN_TOKEN: TOKEN,
  });

  it('warns at start-up that the trust is unbounded', () => {
    expect(server.output()).toMatch(/TRUST_PROXY=true trusts every hop/);
  });

  it('counts a value that is no IP as the socket address: a new string per request buys no new budget', async () => {
    const { replies } = await volley<BuyBody>(server.baseUrl, 20, (i) => ({
      ...buyRequest(1, 1),
      headers: { 'x-forwarded-for': `${GARBAGE[i % GARBAGE.length]}-${i}` },
    }));
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': LIMIT, '429': 20 - LIMIT });
  });

  it('never writes such a value into the audit log as the actor', async () => {
    const auth = { authorization: `Bearer ${TOKEN}` };
    for (const forwarded of GARBAGE) {
      const restock = await send(server.baseUrl, {
        method: 'POST',
        path: ApiRoutes.admin.restock(1),
        json: { mode: 'add', quantity: 1 },
        headers: { ...auth, 'x-forwarded-for': forwarded },
      });
      expect(restock.status).toBe(200);
    }
    const audit = await send<AuditEntry[]>(server.baseUrl, {
      path: `${ApiRoutes.admin.audit}?limit=${GARBAGE.length}`,
      headers: auth,
    });
    expect(audit.body.map((entry) => entry.actor)).toEqual(GARBAGE.map(() => 'admin@127.0.0.1'));
  });
});
