import { DOCUMENT } from '@angular/common';
import { HttpClient, HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { inject, Injectable } from '@angular/core';
import {
  ApiRoutes,
  QUEUE_ORDER_BLOCK_SIZE,
  QUEUE_TICKET_HEADER,
  QueueChallenge,
  QueueJoinRequest,
  QueueOrderBlock,
  QueuePass,
  QueueStatus,
  QueueTicket,
} from '@gtd/shared-contracts';
import { catchError, map, Observable, of, startWith, Subject, takeWhile, throwError, filter } from 'rxjs';
import {
  injectApiUrl,
  INVENTORY_MAX_BACKOFF_MS,
  INVENTORY_MAX_POLL_INTERVAL_MS,
  INVENTORY_POLL_INTERVAL_MS,
} from '../config/api-config';
import { documentVisible, PollCadence, pollCycle } from '../http/poll-cycle';
import { isNetworkFailure, readProblem } from '../http/problem';

/** What the page knows of a drop's waiting room. */
export type QueueStatusState =
  /** No answer yet. */
  | { readonly status: 'loading' }
  /** The drop has no waiting room (404): it sells as any other drop. */
  | { readonly status: 'off' }
  | { readonly status: 'live'; readonly value: QueueStatus; readonly askedAtMs: number }
  | { readonly status: 'reconnecting'; readonly failures: number; readonly retryInMs: number };

/** A refused queue call: the problem's `code` (`UNKNOWN` without one; `NETWORK` without an answer). */
export interface QueueRefusal {
  readonly code: string;
  readonly httpStatus: number;
  readonly detail: string | null;
}

export function queueRefusal(error: unknown): QueueRefusal {
  if (isNetworkFailure(error)) {
    return { code: 'NETWORK', httpStatus: 0, detail: null };
  }
  const response = error as HttpErrorResponse;
  const problem = readProblem(response.error);
  return { code: problem?.code ?? 'UNKNOWN', httpStatus: response.status, detail: problem?.detail ?? null };
}

/** A 404 of the status: no waiting room (QUEUE_NOT_ENABLED), or an API without the routes. */
const NO_QUEUE = null;

/**
 * The waiting room's routes (`/products/{id}/queue…`). The status is polled like the live count
 * (same cadence settings, `pollAfterMs`, revalidated with `cache: 'no-cache'` so an unchanged
 * answer is a 304 against its ETag); the per-visitor calls are plain requests whose errors the
 * caller reads with {@link queueRefusal}.
 */
@Injectable({ providedIn: 'root' })
export class QueueClient {
  private readonly http = inject(HttpClient);
  private readonly apiUrl = injectApiUrl();
  private readonly visible$ = documentVisible(inject(DOCUMENT));
  private readonly refreshes = new Subject<number>();
  private readonly cadence: PollCadence = {
    intervalMs: inject(INVENTORY_POLL_INTERVAL_MS),
    maxIntervalMs: inject(INVENTORY_MAX_POLL_INTERVAL_MS),
    maxBackoffMs: inject(INVENTORY_MAX_BACKOFF_MS),
  };

  /** The status of drop `productId`'s queue; completes with `off` when the drop has none. */
  watchStatus(productId: number): Observable<QueueStatusState> {
    const url = this.apiUrl(ApiRoutes.queue(productId));
    return pollCycle<QueueStatus | null>({
      request: () =>
        this.http
          .get<QueueStatus>(url, { cache: 'no-cache' })
          .pipe(
            catchError((error: unknown) =>
              error instanceof HttpErrorResponse && error.status === 404
                ? of(NO_QUEUE)
                : throwError(() => error),
            ),
          ),
      pollAfterMs: (status) => status?.pollAfterMs,
      cadence: this.cadence,
      visible$: this.visible$,
      refresh$: this.refreshes.pipe(filter((id) => id === productId)),
    }).pipe(
      map((event): QueueStatusState => {
        if (event.kind === 'failed') {
          return { status: 'reconnecting', failures: event.failures, retryInMs: event.retryInMs };
        }
        return event.value === NO_QUEUE
          ? { status: 'off' }
          : { status: 'live', value: event.value, askedAtMs: event.askedAtMs };
      }),
      takeWhile((state) => state.status !== 'off', true),
      startWith<QueueStatusState>({ status: 'loading' }),
    );
  }

  /** Asks for the status now (a turn that should have come, a refused pass). */
  refresh(productId: number): void {
    this.refreshes.next(productId);
  }

  challenge(productId: number): Observable<QueueChallenge> {
    return this.http.get<QueueChallenge>(this.apiUrl(ApiRoutes.queueChallenge(productId)));
  }

  join(productId: number, proof?: string): Observable<QueueTicket> {
    const body: QueueJoinRequest = proof === undefined ? {} : { proof };
    return this.http.post<QueueTicket>(this.apiUrl(ApiRoutes.queue(productId)), body);
  }

  position(productId: number, ticket: string): Observable<QueueTicket> {
    return this.http.get<QueueTicket>(this.apiUrl(ApiRoutes.queuePosition(productId)), {
      headers: ticketHeader(ticket),
    });
  }

  /**
   * The drawn place of pre-queue ticket `number`, from the block of the order that holds it: one
   * answer for everyone, kept by the browser and the edge, so the crowd's look-ups at the opening
   * cost the origin one request per block (no `no-cache`: it never changes).
   */
  placeOf(productId: number, number: number): Observable<number | null> {
    const block = Math.ceil(number / QUEUE_ORDER_BLOCK_SIZE);
    return this.http
      .get<QueueOrderBlock>(this.apiUrl(ApiRoutes.queueOrderBlock(productId, block)))
      .pipe(map((answer) => answer.positions[number - answer.firstTicket] ?? null));
  }

  pass(productId: number, ticket: string): Observable<QueuePass> {
    return this.http.post<QueuePass>(this.apiUrl(ApiRoutes.queuePass(productId)), null, {
      headers: ticketHeader(ticket),
    });
  }
}

const ticketHeader = (ticket: string) => new HttpHeaders({ [QUEUE_TICKET_HEADER]: ticket });
