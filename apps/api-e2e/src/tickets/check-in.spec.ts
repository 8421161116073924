import { generateKeyPairSync, sign } from 'node:crypto';
import { join } from 'node:path';
import {
  ApiRoutes,
  CheckIn,
  ErrorCode,
  OrderTicket,
  ProblemDetails,
  TicketKeySet,
} from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  cleanup,
  describeWithServices,
  dropFiles,
  fireConcurrently,
  makeTempDir,
  OPERATOR_TOKEN,
  provisionServices,
  DropServices,
  RunningApi,
  send,
  startServer,
  tally,
} from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

type CheckInBody = Partial<CheckIn> & Partial<ProblemDetails>;

const SCANS = 100;

const checkIn = (ticket: string, scanner: string) => ({
  method: 'POST' as const,
  path: ApiRoutes.admin.checkIns,
  headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
  json: { ticket, scanner },
});

/**
 * Two API processes on one store, the door scanning at both: each kind's check-in is atomic across
 * processes (the contract suite proves the port on all four kinds; this proves the route).
 */
describeWithServices()('tickets at the door, two processes on one store', () => {
  let services: DropServices;

  beforeAll(async () => {
    services = await provisionServices('tickets');
  }, 60_000);

  afterAll(async () => {
    await cleanup();
    await services?.dispose();
  });

  const kinds: [string, () => Record<string, string>][] = [
    ['sqlite (one file)', () => ({ STORE: 'sqlite', ADMIN_TOKEN: OPERATOR_TOKEN })],
    [
      'postgres',
      () => ({ STORE: 'postgres', DATABASE_URL: services.databaseUrl, ADMIN_TOKEN: OPERATOR_TOKEN }),
    ],
    ['redis + postgres', () => services.env],
  ];

  describe.each(kinds)('%s', (_kind, env) => {
    let servers: RunningApi[] = [];

    beforeAll(async () => {
      const files = dropFiles(catalogWithStocks(50));
      // Both processes on one SQLite file where the kind is sqlite; the networked kinds ignore it.
      const shared = { ...files, sqlitePath: join(makeTempDir('gtd-e2e-tickets'), 'drop.sqlite') };
      // One after the other: the first migrates and seeds (and stores the signing key).
      servers = [await startServer({ ...shared, env: env() }), await startServer({ ...shared, env: env() })];
    }, 60_000);

    afterAll(async () => {
      await Promise.all(servers.map((server) => server.stop()));
      servers = [];
    });

    const buy = async (quantity: number) => {
      const reply = await send<BuyBody>(servers[0].baseUrl, buyRequest(1, quantity));
      expect(reply.status).toBe(201);
      return reply.body.orderId as string;
    };
    /** Fetched from the other process: the order may still wait in Redis, the key is the shared one. */
    const ticketOf = async (orderId: string) => {
      const reply = await send<OrderTicket>(servers[1].baseUrl, { path: ApiRoutes.orderTicket(orderId) });
      expect(reply.status).toBe(200);
      return reply.body;
    };

    it('both processes publish the one signing key', async () => {
      const [a, b] = await Promise.all(
        servers.map((server) => send<TicketKeySet>(server.baseUrl, { path: ApiRoutes.ticketKeys })),
      );
      expect(a.status).toBe(200);
      expect(a.body.keys).toHaveLength(1);
      expect(b.body).toEqual(a.body);
    });

    it(`admits exactly one of ${SCANS} concurrent scans of one ticket, sent to both processes`, async () => {
      const orderId = await buy(2);
      const { ticket, quantity } = await ticketOf(orderId);
      expect(quantity).toBe(2);
      const volleys = await Promise.all(
        servers.map((server, s) =>
          fireConcurrently<CheckInBody>(
            server.baseUrl,
            Array.from({ length: SCANS / 2 }, (_, i) => checkIn(ticket, `gate-${s}-${i}`)),
            SCANS / 2,
          ),
        ),
      );
      const replies = volleys.flatMap((v) => v.replies);
      expect(tally(replies.map((r) => r.status))).toEqual({ '200': 1, '409': SCANS - 1 });
      const admitted = replies.find((r) => r.status === 200)?.body as CheckIn;
      expect(admitted).toMatchObject({ orderId, productId: 1, quantity: 2 });
      // Every refusal names the one scan that got in.
      for (const refused of replies.filter((r) => r.status === 409)) {
        expect(refused.body).toMatchObject({
          code: ErrorCode.AlreadyCheckedIn,
          checkedInAt: admitted.checkedInAt,
          scanner: admitted.scanner,
        });
      }
    });

    it('refuses forged and foreign tickets with 400 TICKET_INVALID and uses nothing up', async () => {
      const { ticket } = await ticketOf(await buy(1));
      const [header, payload, signature] = ticket.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const foreignKey = generateKeyPairSync('ed25519').privateKey;
      const foreign = `${header}.${payload}.${sign(null, Buffer.from(`${header}.${payload}`), foreignKey).toString('base64url')}`;
      for (const forged of [`${header}.${encode({ ...claims, qty: 5 })}.${signature}`, foreign, 'garbage']) {
        const reply = await send<CheckInBody>(servers[1].baseUrl, checkIn(forged, 'north-gate'));
        expect({ status: reply.status, code: reply.body.code }).toEqual({
          status: 400,
          code: ErrorCode.TicketInvalid,
        });
      }
      const genuine = await send<CheckInBody>(servers[0].baseUrl, checkIn(ticket, 'north-gate'));
      expect(genuine.status).toBe(200);
    });

    it('answers 401 without the operator token and 400 on a bad body, admitting nothing', async () => {
      const { ticket } = await ticketOf(await buy(1));
      const anonymous = await send<CheckInBody>(servers[0].baseUrl, {
        method: 'POST',
        path: ApiRoutes.admin.checkIns,
        json: { ticket, scanner: 'north-gate' },
      });
      expect(anonymous.status).toBe(401);
      const bad = await send<CheckInBody>(servers[0].baseUrl, checkIn(ticket, ''));
      expect({ status: bad.status, code: bad.body.code }).toEqual({
        status: 400,
        code: ErrorCode.ValidationFailed,
      });
      expect((await send(servers[1].baseUrl, checkIn(ticket, 'north-gate'))).status).toBe(200);
    });
  });
});
