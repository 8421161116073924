// Thousands of SSE subscribers held open from the load generator, and the server's memory.
// Raw sockets rather than node:http clients: a few hundred bytes each on this side, so 10,000 of
// them cost the load generator little, and what is measured is the server's cost per subscriber.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import testing from '../testing.mjs';

const { processGroup } = testing;

/**
 * @typedef {object} Subscribers
 * @property {number} open  connections answered 200 that sent their first event and are still open
 * @property {number} failed  connections refused, answered otherwise, closed or silent
 * @property {number} openingMs  how long opening them all took
 * @property {(available: number) => number} seeing  how many have received an event with this count
 * @property {() => number} closed  how many of the opened ones the server closed since
 * @property {() => void} close
 */

/**
 * One subscriber's state, kept small (10,000 of these).
 * @typedef {object} Subscriber
 * @property {import('node:net').Socket} socket
 * @property {boolean} ok  answered 200
 * @property {number} last  the `available` of the last event received, -1 before the first
 * @property {string} tail  the end of the last chunk, in case an event is split across reads
 * @property {boolean} ended
 */

const AVAILABLE = /"available":(\d+)/g;

/**
 * Opens `count` subscribers of `path`, `batch` at a time (each batch waits for its first events:
 * a burst of 10,000 connects would overflow the listen backlog and measure SYN retries).
 * @param {{ port: number, path: string, count: number, batch?: number, batchTimeoutMs?: number }} spec
 * @returns {Promise<Subscribers>}
 */
export async function openSubscribers({ port, path, count, batch = 200, batchTimeoutMs = 20_000 }) {
  const started = performance.now();
  /** @type {Subscriber[]} */
  const all = [];
  let failed = 0;
  const request = `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`;

  /** @returns {Promise<Subscriber | undefined>} */
  const one = () =>
    new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      /** @type {Subscriber} */
      const subscriber = { socket, ok: false, last: -1, tail: '', ended: false };
      let settled = false;
      const settle = (/** @type {boolean} */ ok) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(ok ? subscriber : undefined);
      };
      const timer = setTimeout(() => {
        socket.destroy();
        settle(false);
      }, batchTimeoutMs);
      socket.setEncoding('latin1');
      socket.on('connect', () => socket.write(request));
      socket.on('data', (/** @type {string} */ chunk) => {
        let text = subscriber.tail + chunk;
        if (!subscriber.ok) {
          if (!text.startsWith('HTTP/1.1 200')) {
            if (text.length >= 12) {
              socket.destroy();
              settle(false);
            }
            return;
          }
          subscriber.ok = true;
        }
        for (const match of text.matchAll(AVAILABLE)) subscriber.last = Number(match[1]);
        // Keep only the end of the line being read: a count split across two reads is whole next time.
        const newline = text.lastIndexOf('\n');
        text = newline < 0 ? text : text.slice(newline + 1);
        subscriber.tail = text.length > 256 ? text.slice(-256) : text;
        if (subscriber.last >= 0) settle(true);
      });
      const gone = () => {
        subscriber.ended = true;
        settle(false);
      };
      socket.on('error', gone);
      socket.on('close', gone);
    });

  for (let opened = 0; opened < count; opened += batch) {
    const results = await Promise.all(Array.from({ length: Math.min(batch, count - opened) }, one));
    for (const subscriber of results) {
      if (subscriber) all.push(subscriber);
      else failed++;
    }
  }
  const openingMs = Math.round(performance.now() - started);
  return {
    open: all.length,
    failed,
    openingMs,
    seeing: (available) => all.reduce((n, s) => n + (s.last === available && !s.ended ? 1 : 0), 0),
    closed: () => all.reduce((n, s) => n + (s.ended ? 1 : 0), 0),
    close: () => {
      for (const { socket } of all) socket.destroy();
    },
  };
}

/**
 * Resident memory (KiB) of a server's process group: the server and any cluster workers.
 * Undefined without /proc.
 * @param {number} pgid
 */
export function groupRssKiB(pgid) {
  let total = 0;
  let found = false;
  for (const { pid } of processGroup(pgid)) {
    try {
      const line = readFileSync(`/proc/${pid}/status`, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('VmRSS:'));
      if (line) {
        total += Number(line.split(/\s+/)[1]);
        found = true;
      }
    } catch {
      // exited meanwhile
    }
  }
  return found ? total : undefined;
}
