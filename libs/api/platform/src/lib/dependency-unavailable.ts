import { ErrorCode } from '@gtd/shared-contracts';
import { DomainError } from './domain-error';

/** How long a client is asked to wait after a dependency fault: long enough for a reconnect. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 2;

/**
 * A store's dependency (SQLite's lock, PostgreSQL, Redis) did not answer. Adapters throw it for the
 * faults they recognise; `reached` says whether the command may have run there, which is what tells
 * a buyer "nothing was sold" apart from "it may have been sold". Anything else a store throws is
 * treated as reached: a sale must never be hidden behind a "not made".
 */
export class DependencyUnavailable extends Error {
  constructor(
    readonly dependency: string,
    readonly reached: boolean,
    options?: { cause?: unknown; message?: string },
  ) {
    super(options?.message ?? `${dependency} did not answer`, { cause: options?.cause });
    this.name = 'DependencyUnavailable';
  }
}

/** The 503 a read (or any non-purchase route) answers while a dependency is down: nothing changed. */
export const dependencyUnavailable = (fault: DependencyUnavailable): DomainError =>
  new DomainError(
    ErrorCode.ServiceUnavailable,
    `The ${fault.dependency} store is not answering; try again shortly.`,
    {
      retryAfterSeconds: DEPENDENCY_RETRY_AFTER_SECONDS,
    },
  );
