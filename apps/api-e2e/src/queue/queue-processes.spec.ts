import { ApiRoutes, DropSummary } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  childPids,
  cleanup,
  describeWithService,
  describeWithServices,
  dropFiles,
  isAlive,
  lateBound,
  RunningApi,
  send,
  signalPid,
  startCluster,
  startServer,
  tally,
  TEST_POSTGRES,
  TEST_REDIS,
} from '@gtd/testing';
import { expectSerialHistory, successes } from '../support/drop';
import { AdmissionRun, asOperator, eventually, statusOf } from './admission-run';
import { CursorRule, judgeCursor } from './cursor-history';
import { correlation, Joined, joinThroughBoth, positionsOf } from './queue-joins';
import { pidOfHolder, postgresStores, redisStores, SharedStores } from './shared-stores';

/**
 * One waiting room served by two servers on the same stores, as two hosts behind a load balancer
 * would serve it. STORE=redis: a WORKERS=2 cluster and a single process on Redis + PostgreSQL;
 * STORE=postgres: two single processes on one database.
 * 1. 2,000 visitors join through both at once, half before the opening (the pre-queue, drawn at
 *    random when it opens) and half after (appended): every position 1…2,000 is held exactly once,
 *    whichever server is asked.
 * 2. One cursor, moved by whichever process holds the admission lease: both servers show the same
 *    cursor, it never admits more than the rate allows, passes and purchases work at either.
 * 3. The lease holder is SIGKILLed mid-admission: another process takes admission over within a
 *    lease, and the drop sells exactly its stock.
 */

const PRODUCT = 1;
const PRE_QUEUE = 1000;
const OPEN = 1000;
const STOCK = 360;
/** 30 a beat: the stock lasts about ten beats, the line much longer. */
const ADMISSIONS_PER_MINUTE = 1800;
const PASS_LIFETIME_MS = 300_000;
/** Admission is paused once this many are admitted, and the leader killed right after it resumes. */
const PAUSE_AT = 90;

/** libs/api/queue queue-rules.ts: the beat, the lease, and the most time one rate step may make up. */
const ADMISSION_TICK_MS = 1_000;
const ADMISSION_LEASE_MS = 5_000;
const RATE_CATCH_UP_MS = Math.max(2_000, 60_000 / ADMISSIONS_PER_MINUTE);
/** The most one step may admit. */
const MAX_STEP = Math.floor((ADMISSIONS_PER_MINUTE * RATE_CATCH_UP_MS) / 60_000);
/** A shared 2-core machine: how late, beyond the lease and a beat, a takeover may still show. */
const TAKEOVER_SLACK_MS = 4_000;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Where a pid runs: the server (0 or 1), and whether it is one of that server's cluster workers. */
function locate(servers: readonly RunningApi[], pid: number | undefined) {
  for (const [server, api] of servers.entries()) {
    if (api.pid === pid) return { server, worker: false };
    if (pid !== undefined && childPids(api.pid).includes(pid)) return { server, worker: true };
  }
  return undefined;
}

interface Topology {
  kind: string;
  stores: (label: string) => Promise<SharedStores>;
  /** `WORKERS` of each of the two servers. */
  workers: [number, number];
}

function waitingRoomAcrossServers({ kind, stores: provision, workers }: Topology): void {
  let stores: SharedStores | undefined;
  let servers: RunningApi[] = [];
  /** position → ticket, filled once the order is drawn. */
  const tickets = new Map<number, string>();
  let admission: AdmissionRun | undefined;
  const run = lateBound('The admission run of the cursor test', () => admission);
  const rule: CursorRule = {
    perMinute: ADMISSIONS_PER_MINUTE,
    catchUpMs: RATE_CATCH_UP_MS,
    passLifetimeMs: PASS_LIFETIME_MS,
    // Two beats: an answer is reused for 250 ms, and a loaded 2-core machine delays reads and beats.
    answerSkewMs: 2 * ADMISSION_TICK_MS,
    singleProcesses: [0, 1].filter((server) => workers[server] === 1),
  };
  const admin = (at: number, method: string, path: string, json?: unknown) =>
    send(servers[at].baseUrl, asOperator({ method, path, json }));
  const statusAt = async (server: number) => {
    const reply = await statusOf(servers[server], PRODUCT);
    if (reply.status !== 200) throw new Error(`status at ${server}: ${reply.status} ${reply.text}`);
    return reply.body;
  };

  beforeAll(async () => {
    stores = await provision('queue_procs');
    const opensInAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const files = dropFiles([{ ...catalogWithStocks(STOCK)[0], startsAt: opensInAnHour }]);
    const env = { ...stores.env, QUEUE_JOIN_RATE_LIMIT: '0' };
    const start = (count: number) =>
      count > 1 ? startCluster({ ...files, env }, count) : startServer({ ...files, env });
    // One after the other: the first migrates and seeds the stores, the second opens them as they are.
    servers = [await start(workers[0]), await start(workers[1])];
    // Admission held back until the positions are checked: the draw still happens at the opening.
    const put = await admin(0, 'PUT', ApiRoutes.admin.queue(PRODUCT), {
      enabled: true,
      order: 'random',
      admissionsPerMinute: ADMISSIONS_PER_MINUTE,
      passLifetimeSeconds: PASS_LIFETIME_MS / 1000,
      admissionsPaused: true,
    });
    expect(put.status).toBe(200);
    // Every other process applies the settings at its next beat; one beat more for a cluster worker
    // that none of these reads happened to reach.
    await eventually(
      async () => {
        const replies = await Promise.all(range(1, 8).map((i) => statusOf(servers[i % 2], PRODUCT)));
        return replies.every((r) => r.status === 200) ? true : undefined;
      },
      5 * ADMISSION_TICK_MS,
      'both servers show the waiting room',
    );
    await sleep(ADMISSION_TICK_MS);
  }, 120_000);

  afterAll(async () => {
    await admission?.stop();
    await cleanup();
    await stores?.dispose();
  });

  it(`${kind}: ${PRE_QUEUE + OPEN} joins through both servers hold every position 1…${PRE_QUEUE + OPEN} once`, async () => {
    const preReplies = await joinThroughBoth(servers, PRODUCT, PRE_QUEUE);
    expect(tally(preReplies.map((r) => r.status))).toEqual({ '201': PRE_QUEUE });
    expect(preReplies.filter((r) => r.body.preQueue !== true || r.body.position !== null)).toEqual([]);
    for (const server of [0, 1]) {
      expect(await statusAt(server)).toMatchObject({
        state: 'pre_queue',
        joined: PRE_QUEUE,
        waiting: PRE_QUEUE,
        admittedThrough: 0,
      });
    }

    // The opening: the leader draws the pre-queue's order at its next beat; later joins line up behind.
    const opening = await admin(1, 'PATCH', ApiRoutes.admin.product(PRODUCT), {
      startsAt: new Date().toISOString(),
    });
    expect(opening.status).toBe(200);
    const openReplies = await joinThroughBoth(servers, PRODUCT, OPEN);
    expect(tally(openReplies.map((r) => r.status))).toEqual({ '201': OPEN });
    expect(openReplies.filter((r) => r.body.preQueue !== false)).toEqual([]);

    // Join i of each volley went through server i % 2.
    const joined: Joined[] = [preReplies, openReplies].flatMap((replies) =>
      replies.map((r, i) => ({ ticket: r.body.ticket, via: i % 2, preQueue: r.body.preQueue })),
    );
    await eventually(
      async () => (await positionsOf(servers, PRODUCT, joined.slice(0, 1)))[0].body?.position ?? undefined,
      10 * ADMISSION_TICK_MS,
      'the pre-queue drawn',
    );

    const placed = await positionsOf(servers, PRODUCT, joined);
    expect(tally(placed.map((r) => r.status))).toEqual({ '200': PRE_QUEUE + OPEN });
    const positions = placed.map((r) => r.body.position as number);
    expect(placed.map((r) => r.body.preQueue)).toEqual(joined.map((j) => j.preQueue));
    // The pre-queue is a permutation of 1…PRE_QUEUE; the later joins take the places behind it.
    expect(sorted(positions.slice(0, PRE_QUEUE))).toEqual(range(1, PRE_QUEUE));
    expect(sorted(positions.slice(PRE_QUEUE))).toEqual(range(PRE_QUEUE + 1, PRE_QUEUE + OPEN));
    // Shuffled: places do not follow the order of joining (fifo would be near 1, a random draw 0 ± 0.03).
    const orderKept = correlation(range(1, PRE_QUEUE), positions.slice(0, PRE_QUEUE));
    expect(Math.abs(orderKept)).toBeLessThan(0.2);
    // The server a visitor joined through tells the same place.
    const again = await positionsOf(
      servers,
      PRODUCT,
      joined.filter((_, i) => i % 10 === 0),
      true,
    );
    expect(again.map((r) => r.body?.position)).toEqual(positions.filter((_, i) => i % 10 === 0));

    for (const server of [0, 1]) {
      expect(await statusAt(server)).toMatchObject({
        state: 'paused',
        joined: PRE_QUEUE + OPEN,
        waiting: PRE_QUEUE + OPEN,
        admittedThrough: 0,
      });
    }
    joined.forEach((j, i) => tickets.set(positions[i], j.ticket));
    console.log(
      `${kind} joins (WORKERS ${workers.join(' + ')}): ${PRE_QUEUE} pre-queue + ${OPEN} open, ` +
        `positions 1…${tickets.size} once each; pre-queue join order vs place correlation ${orderKept.toFixed(3)}`,
    );
    // 4,200 requests of real work: seconds alone, far more on a shared, loaded machine.
  }, 120_000);

  it(`${kind}: one cursor — both servers show it, it keeps to the rate, passes and purchases work at either`, async () => {
    expect(tickets.size).toBe(PRE_QUEUE + OPEN);
    expect((await admin(1, 'POST', `${ApiRoutes.admin.queue(PRODUCT)}/resume`)).status).toBe(200);
    admission = new AdmissionRun(servers, {
      productId: PRODUCT,
      tickets,
      concurrency: 16,
      crossCheckEvery: 5,
      samplePeriodMs: 100,
    });
    run.start();
    await eventually(
      async () => (run.frontier >= PAUSE_AT ? true : undefined),
      20_000,
      `${PAUSE_AT} admitted`,
    );
    // Paused, so that the cursor stands well short of the stock at the kill however slow this machine is.
    expect((await admin(0, 'POST', `${ApiRoutes.admin.queue(PRODUCT)}/pause`)).status).toBe(200);
    await eventually(
      async () =>
        (await Promise.all([0, 1].map(statusAt))).every((s) => s.state === 'paused') ? true : undefined,
      5 * ADMISSION_TICK_MS,
      'both servers paused',
    );
    // A beat that read the settings before the pause may still step once.
    await sleep(ADMISSION_TICK_MS + 500);
    const through = (await statusAt(0)).admittedThrough;
    await eventually(
      async () => (run.visitedThrough(through) ? true : undefined),
      20_000,
      `visitors 1…${through} served`,
    );

    const judged = judgeCursor(run.samples, run.passes, through, rule);
    expect(run.unexpected).toEqual([]);
    expect(run.retried).toEqual([]);
    expect(run.passMismatches).toEqual([]);
    expect(judged).toMatchObject({ offCursor: [], skewed: [], regressions: [], breaches: [] });
    expect(judged.pairs).toBeGreaterThan(0);
    // Paused on every process: nobody was admitted while the visitors took their turns.
    expect(run.frontier).toBe(through);
    // Each server handed out passes, and sold with passes the other one handed out.
    const visits = range(1, through).map((p) => run.visits.get(p));
    expect(tally(visits.map((v) => `pass ${v?.passFrom} → buy ${v?.boughtAt}: ${v?.reply?.status}`))).toEqual(
      {
        'pass 0 → buy 1: 201': expect.any(Number),
        'pass 1 → buy 0: 201': expect.any(Number),
      },
    );
    console.log(
      `${kind} cursor to the pause: ${judged.steps.length} steps to ${through} ` +
        `(sizes ${judged.steps.map((s) => s.size).join(',')}); ${run.samples.length} status answers, ` +
        `${judged.pairs} pairs read together at most ${judged.pairStepsApart} step(s) apart; ` +
        `answers at most ${judged.maxAheadMs} ms ahead of / ${judged.maxBehindMs} ms behind their asOf`,
    );
  });

  it(`${kind}: the lease holder SIGKILLed mid-admission, another process admits on and exactly the stock sells`, async () => {
    // Admitting again: the leader has stepped since the resume, and is killed at once.
    const paused = run.frontier;
    expect((await admin(1, 'POST', `${ApiRoutes.admin.queue(PRODUCT)}/resume`)).status).toBe(200);
    await eventually(async () => (run.frontier > paused ? true : undefined), 10_000, 'admission resumed');
    const holder = (await stores?.leaseHolder(PRODUCT)) ?? null;
    const victimPid = pidOfHolder(holder);
    const leader = locate(servers, victimPid);
    expect({ holder, leader }).toEqual({ holder, leader: expect.anything() });
    if (!leader || victimPid === undefined) return;
    // The other server keeps answering whichever process died.
    const other = 1 - leader.server;
    const admittedAtKill = Math.max(run.frontier, (await statusAt(other)).admittedThrough);
    // Whatever the dying leader may still admit, the stock outlasts it: only a successor can sell it out.
    expect(admittedAtKill + MAX_STEP).toBeLessThan(STOCK);

    const killedAtMs = Date.now();
    if (leader.worker) {
      signalPid(victimPid, 'SIGKILL');
      await eventually(
        async () => (isAlive(victimPid) ? undefined : true),
        5_000,
        `worker ${victimPid} gone`,
      );
    } else {
      await servers[leader.server].kill();
    }
    // What the dead leader admitted last is in the store once the other server's reused answer is stale.
    await sleep(300);
    const baseline = (await statusAt(other)).admittedThrough;
    const progressed = await eventually(
      async () => ((await statusAt(other)).admittedThrough > baseline ? Date.now() : undefined),
      ADMISSION_LEASE_MS + ADMISSION_TICK_MS + TAKEOVER_SLACK_MS,
      `the cursor moving past ${baseline} after the leader was killed`,
    );
    const successorPid = pidOfHolder((await stores?.leaseHolder(PRODUCT)) ?? null);
    expect(successorPid).not.toBe(victimPid);
    const successor = locate(servers, successorPid);
    expect(successor).toBeDefined();

    // Sold out: nobody more is admitted.
    await eventually(
      async () => ((await statusAt(other)).state === 'sold_out' ? true : undefined),
      30_000,
      'sold out',
    );
    await run.finish();
    const final = (await statusAt(other)).admittedThrough;
    await sleep(2 * ADMISSION_TICK_MS + 500);
    for (const server of [0, 1].filter((s) => servers[s].alive())) {
      expect(await statusAt(server)).toMatchObject({
        state: 'sold_out',
        admittedThrough: final,
        available: 0,
      });
    }

    expect(run.unexpected).toEqual([]);
    expect(run.passMismatches).toEqual([]);
    // Only requests the dead process held were reset (and asked again): no 503, nothing before the kill.
    expect(
      run.retried.filter((r) => r.atMs < killedAtMs || r.status !== 0 || r.server !== leader.server),
    ).toEqual([]);
    const replies = range(1, final).flatMap((p) => run.visits.get(p)?.reply ?? []);
    expect(replies).toHaveLength(final);
    const sold = successes(replies);
    expect(new Set(sold.map((s) => s.orderId)).size).toBe(STOCK);
    expect(expectSerialHistory(sold, STOCK)).toBe(0);
    expect(tally(replies.map((r) => r.status))).toEqual({
      '201': STOCK,
      ...(final > STOCK ? { '409': final - STOCK } : {}),
    });

    const summary = await send<DropSummary>(
      servers[other].baseUrl,
      asOperator({ path: ApiRoutes.admin.summary(PRODUCT) }),
    );
    expect(summary.body).toMatchObject({ stock: STOCK, sold: STOCK, available: 0, orders: STOCK });
    expect(summary.body.queue).toMatchObject({
      joined: PRE_QUEUE + OPEN,
      admitted: final,
      waiting: PRE_QUEUE + OPEN - final,
      converted: STOCK,
    });
    const stored = await stores?.storedOrders(PRODUCT, servers[other]);
    expect(stored?.sold).toBe(STOCK);
    expect([...(stored?.ids ?? [])].sort()).toEqual(sold.map((s) => s.orderId).sort());

    const judged = judgeCursor(run.samples, run.passes, final, rule);
    expect(judged).toMatchObject({ offCursor: [], skewed: [], regressions: [], breaches: [] });
    const afterKill = judged.steps.filter((s) => s.atMs > killedAtMs);
    expect(afterKill.length).toBeGreaterThan(0);
    const lastBefore = judged.steps.filter((s) => s.atMs <= killedAtMs).at(-1);
    const who = (at: ReturnType<typeof locate>) =>
      at?.worker ? `a worker of server ${at.server}` : `server ${at?.server}`;
    console.log(
      `${kind} kill: leader ${victimPid} (${who(leader)}) killed at ${admittedAtKill} admitted, ` +
        `${killedAtMs - (lastBefore?.atMs ?? killedAtMs)} ms after its last step; ${successorPid} (${who(successor)}) ` +
        `stepped ${afterKill[0].atMs - killedAtMs} ms after the kill, the status moved after ${progressed - killedAtMs} ms; ` +
        `${judged.steps.length} steps to ${final} admitted; ${STOCK} sold, ${final - STOCK} sold out; ` +
        `answers at most ${judged.maxAheadMs} ms ahead / ${judged.maxBehindMs} ms behind, pairs ${judged.pairStepsApart} step(s) apart; ` +
        `${run.retried.length} requests asked again after the kill`,
    );
  }, 90_000);
}

describeWithServices(TEST_POSTGRES, TEST_REDIS)(
  'STORE=redis: one waiting room, a cluster and a process',
  () => waitingRoomAcrossServers({ kind: 'redis', stores: redisStores, workers: [2, 1] }),
);

describeWithService(TEST_POSTGRES)('STORE=postgres: one waiting room, two processes', () =>
  waitingRoomAcrossServers({ kind: 'postgres', stores: postgresStores, workers: [1, 1] }),
);
