import { DependencyUnavailable } from '@gtd/api-platform';
import { types } from 'node:util';

/**
 * How far a piece of work had got when PostgreSQL failed, which decides whether it may have taken
 * effect:
 * - `connect`: no connection yet, so no statement of it was sent.
 * - `uncommitted`: inside an explicit transaction whose COMMIT was not sent: PostgreSQL rolls a
 *   transaction back when its connection goes, so nothing of it can have been committed.
 * - `in-doubt`: a statement that commits by itself (one implicit transaction, like a
 *   `gtd_purchase_batch` call) or the COMMIT was sent: the server may have committed just before
 *   the answer was lost.
 */
export type PostgresPhase = 'connect' | 'uncommitted' | 'in-doubt';

/** Socket errors (Node's `code`) of a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres's own errors (no code) for a lost, closed or timed-out connection or query. */
const DRIVER_MESSAGES = [
  'Connection terminated', // … unexpectedly / … due to connection timeout
  'timeout exceeded when trying to connect', // the pool found no connection in time
  'timeout expired', // the client's connect timeout
  'Query read timeout', // query_timeout: the statement was sent, its answer did not come
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

/**
 * SQLSTATE classes of the server's own "not now" answers: 08 connection exception, 53
 * insufficient resources (too many connections, disk full), 57 operator intervention (shutdown,
 * crash, starting up, cancelled statement), 58 system error (I/O).
 */
const SERVER_FAULT_CLASSES = new Set(['08', '53', '57', '58']);

/**
 * Raised as ERROR (never FATAL) while the statement runs, so its transaction rolled back: query
 * cancelled (statement_timeout) and lock_not_available (lock_timeout). An error after a commit is a
 * PANIC in PostgreSQL, so these prove nothing was committed.
 */
const STATEMENT_ROLLED_BACK = new Set(['57014', '55P03']);

const sqlState = (error: Error): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

function isDependencyFault(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  const state = sqlState(error);
  if (state !== undefined)
    return SERVER_FAULT_CLASSES.has(state.slice(0, 2)) || STATEMENT_ROLLED_BACK.has(state);
  return DRIVER_MESSAGES.some((message) => error.message.startsWith(message));
}

/**
 * The `DependencyUnavailable` a node-postgres error stands for, or undefined when it is not a
 * dependency fault (a constraint, a bug: those go on as they are). `reached` is false only where
 * nothing can have been committed: see `PostgresPhase`.
 */
export function postgresFault(error: unknown, phase: PostgresPhase): DependencyUnavailable | undefined {
  if (error instanceof DependencyUnavailable) return error;
  // isNativeError: Node's socket errors come from another realm under Jest, where instanceof fails.
  if (!(error instanceof Error || types.isNativeError(error)) || !isDependencyFault(error)) return undefined;
  const state = sqlState(error);
  const notCommitted = phase !== 'in-doubt' || (state !== undefined && STATEMENT_ROLLED_BACK.has(state));
  return new DependencyUnavailable('postgres', !notCommitted, {
    cause: error,
    message: `PostgreSQL did not answer (${error.message})`,
  });
}
