import fc from 'fast-check';
import { ApiRoutes, AuthSession } from '@gtd/shared-contracts';
import { catalogWithStocks, Reply, RequestSpec, send, useServer } from '@gtd/testing';
import { ContractChecker, OpenApiDocument } from '../openapi/contract-checker';
import { FuzzCredentials, requestsFor, targetsOf } from './openapi-arbitraries';

/** Fixed, so a failure replays exactly; change it to explore other inputs. */
const SEED = 20261201;
/** Requests per operation; 21 operations (two of them 40), over 2,000 in all. */
const PER_OPERATION = 110;
/** The sign-in routes hash every well-formed password (scrypt, two at a time): fewer of them. */
const PER_HASHING_OPERATION = 40;
const ADMIN_TOKEN = 'fuzz-admin-token-0123456789';

const isWrite = (method: string) => !['GET', 'HEAD'].includes(method);

/**
 * Requests generated from the served OpenAPI document — for every operation, parameters, headers
 * and bodies near its schemas, broken ones, and arbitrary JSON — against a real server with the
 * operator API on. Each answer: no 5xx, as documented for its operation (status, media type,
 * schema, headers: every error a problem), and a refused write leaves every product as it was.
 */
describe('fuzzing the API from its OpenAPI document', () => {
  const server = useServer(catalogWithStocks(1_000_000, 3, 0), { ADMIN_TOKEN });

  it('answers every generated request as documented, without a 5xx, and a refused write changes nothing', async () => {
    const doc = (await send<OpenApiDocument>(server.baseUrl, { path: ApiRoutes.openApiJson })).body;
    const checker = new ContractChecker(doc);
    const buyer = await send<AuthSession>(server.baseUrl, {
      path: ApiRoutes.register,
      json: { email: 'fuzz@example.com', password: 'correct horse battery staple' },
    });
    expect(buyer.status).toBe(201);
    const credentials: FuzzCredentials = { adminToken: ADMIN_TOKEN, buyerToken: buyer.body.accessToken };

    const requests: RequestSpec[] = targetsOf(doc).flatMap((target, index) =>
      fc.sample(requestsFor(doc, target, credentials), {
        seed: SEED + index,
        numRuns: target.template.startsWith('/auth/') ? PER_HASHING_OPERATION : PER_OPERATION,
      }),
    );
    // Interleaved (by a seeded shuffle), so writes of one route meet the state others left.
    const order = fc.sample(fc.shuffledSubarray(requests, { minLength: requests.length }), {
      seed: SEED,
      numRuns: 1,
    })[0];
    expect(order.length).toBeGreaterThanOrEqual(2000);

    const products = () =>
      send(server.baseUrl, {
        path: ApiRoutes.admin.products,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      });
    let before = (await products()).text;
    const failures: string[] = [];
    const statuses: Record<string, number> = {};
    for (const spec of order) {
      const reply: Reply = await send(server.baseUrl, spec);
      const method = spec.method ?? 'GET';
      const line = `${method} ${spec.path} ${JSON.stringify(spec.headers)} ${String(spec.rawBody ?? '').slice(0, 120)}`;
      statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
      if (reply.status === 0 || reply.status >= 500)
        failures.push(`${reply.status} ${reply.text} for ${line}`);
      for (const problem of checker.check(method, spec.path, reply)) failures.push(`${problem} for ${line}`);
      if (isWrite(method)) {
        const after = (await products()).text;
        if (reply.status >= 400 && after !== before)
          failures.push(`refused ${reply.status} but changed: ${line}`);
        before = after;
      }
    }
    expect(failures.slice(0, 20)).toEqual([]);
    // The generator reaches the answers that matter: successes, refusals, conflicts.
    expect(Object.keys(statuses)).toEqual(expect.arrayContaining(['200', '201', '400', '401', '404', '409']));
  }, 120_000);
});
