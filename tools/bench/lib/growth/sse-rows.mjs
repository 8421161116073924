// Growth rows for the crowd that listens: N SSE subscribers of product 1 on one worker (memory
// store), the server's memory per subscriber, and the poll's latency beside them. Each poll row
// buys one unit in the middle of its window, so the one with subscribers includes a fan-out of
// the new count to all of them; after it, the subscribers that received that count are counted.
import { RUSH_PRODUCT } from '../options.mjs';
import { int } from '../rows.mjs';
import { settle, sleep } from '../servers.mjs';
import testing from '../testing.mjs';
import { ensureFileLimit } from './files.mjs';
import { compared, measure, warm } from './row.mjs';
import { describe } from './store-rows.mjs';
import { groupRssKiB, openSubscribers } from './subscribers.mjs';

const { availableOf, send } = testing;

/** Sockets besides the subscribers: autocannon's connections, the server's own, stdio… */
const SPARE_FILES = 512;
/** How long the update may take to reach every subscriber (the feed reads every 250 ms). */
const FAN_OUT_WAIT_MS = 10_000;

/** @typedef {import('./row.mjs').GrowthRow} GrowthRow */

/**
 * @param {object} spec
 * @param {import('./server.mjs').GrowthServers} spec.servers
 * @param {number} spec.subscribers
 * @param {import('./row.mjs').Timing} spec.timing
 * @param {(text: string) => void} spec.log
 * @returns {Promise<{ rows: GrowthRow[], notes: string[] }>}
 */
export async function sseRows({ servers, subscribers: requested, timing, log }) {
  /** @type {string[]} */
  const notes = [];
  // Before the server starts: it inherits the limit.
  const fileLimit = ensureFileLimit(requested + SPARE_FILES);
  const count = Math.min(requested, fileLimit - SPARE_FILES);
  if (count < requested) {
    notes.push(
      `Only ${int(count)} of ${int(requested)} subscribers: the open-file limit is ${int(fileLimit)}.`,
    );
  }
  const store = await servers.createStore('memory');
  const server = await servers.start(store);
  /** @type {Awaited<ReturnType<typeof openSubscribers>> | undefined} */
  let listening;
  try {
    const buyOne = async () => {
      const answer = await send(server.url, {
        method: 'POST',
        path: '/buy',
        json: { productId: RUSH_PRODUCT, quantity: 1 },
        timeoutMs: 10_000,
      });
      if (answer.status !== 201)
        notes.push(`The buy during the poll answered ${answer.status}: ${answer.text.slice(0, 200)}`);
    };
    // In the middle of the measured window.
    const during = () => void sleep((timing.seconds * 1000) / 2).then(buyOne);
    /** @param {number} subscribers @returns {GrowthRow} */
    const base = (subscribers) =>
      /** @type {any} */ ({
        part: 'sse',
        store: 'memory',
        stored: { orders: 0, keys: 0, subscribers },
        compare: undefined,
      });

    log(`• growth: memory, poll with no subscriber`);
    await warm(server, 'poll', timing);
    const alone = { ...base(0), ...(await measure({ server, kind: 'poll', timing, during })) };
    log(`  ${describe(alone)}`);
    await settle(server, 5000);
    const rssBeforeKiB = groupRssKiB(server.pid);

    log(`• growth: opening ${int(count)} SSE subscribers of product ${RUSH_PRODUCT}`);
    listening = await openSubscribers({
      port: server.port,
      path: `/products/${RUSH_PRODUCT}/inventory/stream`,
      count,
    });
    await settle(server, 5000);
    const rssOpenKiB = groupRssKiB(server.pid);
    log(
      `  ${int(listening.open)} open (${listening.failed} failed) in ${(listening.openingMs / 1000).toFixed(1)} s; ` +
        `server RSS ${int((rssBeforeKiB ?? 0) / 1024)} → ${int((rssOpenKiB ?? 0) / 1024)} MiB`,
    );

    const withThem = compared(
      { ...base(listening.open), ...(await measure({ server, kind: 'poll', timing, during })) },
      alone,
      'poll, no subscriber',
    );
    // The count after the one buy (the poll itself changes nothing): every subscriber should get it.
    const expected = await availableOf(server.url, RUSH_PRODUCT);
    const waitUntil = Date.now() + FAN_OUT_WAIT_MS;
    while (listening.seeing(expected) < listening.open - listening.closed() && Date.now() < waitUntil) {
      await sleep(100);
    }
    const received = listening.seeing(expected);
    const rssAfterKiB = groupRssKiB(server.pid);
    withThem.subscribers = {
      requested,
      open: listening.open,
      failed: listening.failed,
      openingMs: listening.openingMs,
      rssBeforeKiB,
      rssOpenKiB,
      rssAfterKiB,
      kibPerSubscriber:
        rssBeforeKiB === undefined || rssOpenKiB === undefined || listening.open === 0
          ? undefined
          : Math.round(((rssOpenKiB - rssBeforeKiB) / listening.open) * 10) / 10,
      received,
      closedByServer: listening.closed(),
      fileLimit,
    };
    log(`  ${describe(withThem)}`);
    log(
      `  ${int(received)} of ${int(listening.open)} subscribers received the count after the buy (${expected}); ` +
        `${withThem.subscribers.kibPerSubscriber ?? '?'} KiB each; RSS after the poll ${int((rssAfterKiB ?? 0) / 1024)} MiB`,
    );
    return { rows: [alone, withThem], notes };
  } finally {
    listening?.close();
    await server.stop();
    await store.drop();
  }
}
