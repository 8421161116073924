import { DependencyUnavailable } from '@gtd/api-platform';
import type Redis from 'ioredis';
import { types } from 'node:util';

/** ioredis refused to write the command (no offline queue): it never left this process. */
const NOT_WRITABLE = "Stream isn't writeable and enableOfflineQueue options is false";

/**
 * Replies with which Redis refuses a command before running any of it: still loading its data,
 * busy with another script, a replica that lost its master.
 */
const REFUSED_BEFORE_RUNNING = ['LOADING', 'BUSY', 'MASTERDOWN'];

/**
 * Other replies of a Redis that cannot serve now. Not proof that nothing ran: a script refused a
 * write half-way (out of memory, disk error, a read-only replica) may have made earlier ones.
 */
const SERVER_FAULTS = ['OOM', 'MISCONF', 'READONLY', 'NOREPLICAS', 'TRYAGAIN', 'CLUSTERDOWN'];

/**
 * ioredis's own errors for a command that may have been sent and got no answer: the connection
 * closed, the reconnects ran out (`maxRetriesPerRequest`; a command queued offline cannot be told
 * apart from one written just before the connection dropped), `commandTimeout`.
 */
const IN_DOUBT_MESSAGES = [
  'Connection is closed.',
  'Reached the max retries per request limit',
  'Command timed out',
];

/** Socket errors (Node's `code`), e.g. from `connect()`. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

const unavailable = (error: Error, reached: boolean) =>
  new DependencyUnavailable('redis', reached, {
    cause: error,
    message: `Redis did not answer (${error.message})`,
  });

/**
 * The `DependencyUnavailable` an ioredis error stands for, or undefined when it is not a dependency
 * fault (a script's own error, a bug). `reached` is false only where Redis certainly did not run
 * the command.
 */
export function redisFault(error: unknown): DependencyUnavailable | undefined {
  if (error instanceof DependencyUnavailable) return error;
  // isNativeError: Node's socket errors come from another realm under Jest, where instanceof fails.
  if (!(error instanceof Error || types.isNativeError(error))) return undefined;
  const { message } = error;
  if (message === NOT_WRITABLE) return unavailable(error, false);
  if (error.name === 'ReplyError') {
    const prefix = message.split(' ', 1)[0];
    if (REFUSED_BEFORE_RUNNING.includes(prefix)) return unavailable(error, false);
    return SERVER_FAULTS.includes(prefix) ? unavailable(error, true) : undefined;
  }
  const code = (error as { code?: unknown }).code;
  if (
    IN_DOUBT_MESSAGES.some((m) => message.startsWith(m)) ||
    (typeof code === 'string' && NETWORK_CODES.has(code))
  ) {
    return unavailable(error, true);
  }
  return undefined;
}

/**
 * Refuses a command before it is written unless the connection is ready to take it now: queued
 * offline, it would be sent after a reconnect at some later moment, and a buyer told nothing (or
 * "unknown") for a purchase that never left this process. Refused here, it certainly did not run.
 */
export function assertWritable(redis: Redis): void {
  if (redis.status === 'ready' && redis.stream?.writable) return;
  throw new DependencyUnavailable('redis', false, {
    message: `Redis is not connected (${redis.status}); the command was not sent`,
  });
}

/** Runs a read or an operator write (a fault is a plain 503): ioredis faults become DependencyUnavailable. */
export async function withRedisFaults<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw redisFault(error) ?? error;
  }
}
