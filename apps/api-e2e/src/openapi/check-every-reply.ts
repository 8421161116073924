import { ApiRoutes } from '@gtd/shared-contracts';
import { Exchange, observeReplies, send } from '@gtd/testing';
import { ContractChecker, OpenApiDocument } from './contract-checker';

/**
 * Jest set-up of every api-e2e spec: each answer the @gtd/testing HTTP helpers receive is held
 * against the OpenAPI document of the server that gave it, read once from that server (its
 * configuration shapes the document). A test whose answers break the document fails in its
 * `afterEach`, naming each answer. No spec can opt out.
 */
const checkers = new Map<string, Promise<ContractChecker>>();
let pending: Promise<string | undefined>[] = [];

function checkerFor(baseUrl: string): Promise<ContractChecker> {
  let checker = checkers.get(baseUrl);
  if (!checker) {
    checker = send<OpenApiDocument>(baseUrl, { path: ApiRoutes.openApiJson }).then((reply) => {
      if (reply.status !== 200 || !reply.body?.openapi) {
        throw new Error(`no OpenAPI document at ${baseUrl}: ${reply.status} ${reply.error ?? ''}`);
      }
      return new ContractChecker(reply.body);
    });
    checkers.set(baseUrl, checker);
  }
  return checker;
}

async function verdict({ baseUrl, method, spec, reply }: Exchange): Promise<string | undefined> {
  const checker = await checkerFor(baseUrl).catch((error: Error) => error);
  const problems = checker instanceof Error ? [checker.message] : checker.check(method, spec.path, reply);
  return problems.length === 0
    ? undefined
    : `${method} ${spec.path} → ${reply.status}: ${problems.join('; ')}`;
}

/** Fails the current test (or hook) with every answer that broke the document since the last call. */
async function reportBreaches(): Promise<void> {
  const settled = await Promise.all(pending);
  pending = [];
  const breaches = settled.filter((line): line is string => line !== undefined);
  if (breaches.length > 0) {
    const shown = breaches.slice(0, 20).join('\n');
    throw new Error(`${breaches.length} answer(s) differ from the OpenAPI document:\n${shown}`);
  }
}

let stop: (() => void) | undefined;
beforeAll(() => {
  stop = observeReplies((exchange) => {
    // The document's own answer (and status 0: no answer at all) is not an answer of the contract.
    if (exchange.reply.status === 0 || exchange.spec.path === ApiRoutes.openApiJson) return;
    pending.push(verdict(exchange));
  });
});
afterEach(reportBreaches);
afterAll(async () => {
  stop?.();
  await reportBreaches();
});
