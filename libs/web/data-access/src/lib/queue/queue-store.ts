import {
  computed,
  DestroyRef,
  effect,
  inject,
  Injectable,
  linkedSignal,
  Signal,
  signal,
  untracked,
} from '@angular/core';
import { takeUntilDestroyed, toObservable, toSignal } from '@angular/core/rxjs-interop';
import { ErrorCode, QueueStatus, QueueTicket } from '@gtd/shared-contracts';
import { from, map, Observable, of, switchMap } from 'rxjs';
import { BuyerSession } from '../auth/buyer-session';
import type { PurchaseState, QueuePassRefusal } from '../purchase/purchase-outcome';
import { countdown } from '../schedule/countdown';
import { PROOF_OF_WORK_SOLVER } from './proof-of-work';
import { QueueClient, queueRefusal, QueueRefusal, QueueStatusState } from './queue-client';
import { QueueHoldings } from './queue-holdings';
import { aheadMilestone, estimatedWaitMs, peopleAhead, QueuePhase, queuePhase } from './queue-view';

const LOADING: QueueStatusState = { status: 'loading' };

/** The join in progress, or why the last one was refused (`code` as the API sent it). */
export type JoinState =
  | { readonly status: 'idle' }
  | { readonly status: 'solving' }
  | { readonly status: 'joining' }
  | ({ readonly status: 'refused' } & QueueRefusal);

class Unsolvable extends Error {}
/** The join's refusal when the challenge had no solution (a client-side code, never the API's). */
export const UNSOLVED = 'PROOF_OF_WORK_UNSOLVED';

/**
 * One visitor's way through a drop's waiting room, for the drop page: the public status (polled
 * with its `pollAfterMs`), the ticket and pass this tab holds (a reload keeps both), the place
 * once drawn (asked once per ticket, after the draw), and from the public status alone the people
 * ahead and the wait. When admission reaches the place the ticket is exchanged for a pass, which
 * `DropStore` sends with `POST /buy`.
 *
 * Provide it in the page next to `DropStore` and `connect` the drop's id and purchase.
 */
@Injectable()
export class QueueStore {
  private readonly client = inject(QueueClient);
  private readonly holdings = inject(QueueHoldings);
  private readonly session = inject(BuyerSession);
  private readonly solve = inject(PROOF_OF_WORK_SOLVER);
  private readonly destroyRef = inject(DestroyRef);

  private readonly source = signal<{
    productId: Signal<number | null>;
    purchase: Signal<PurchaseState> | null;
  }>({
    productId: signal(null),
    purchase: null,
  });
  readonly productId = computed(() => this.source().productId());
  private readonly buyerId = computed(() => this.session.buyer()?.id ?? null);
  /** Bumped when the purchase says the drop has a queue after all: the status is asked afresh. */
  private readonly rechecks = signal(0);

  private readonly statusState = toSignal(
    toObservable(computed(() => ({ id: this.productId(), recheck: this.rechecks() }))).pipe(
      switchMap(({ id }) => (id === null ? of(LOADING) : this.client.watchStatus(id))),
      takeUntilDestroyed(),
    ),
    { initialValue: LOADING },
  );

  /** The last status answer, kept while reconnecting; `null`: no waiting room; `undefined`: not known yet. */
  private readonly lastStatus = linkedSignal<
    { state: QueueStatusState; productId: number | null },
    QueueStatus | null | undefined
  >({
    source: () => ({ state: this.statusState(), productId: this.productId() }),
    computation: ({ state, productId }, previous) => {
      if (state.status === 'live') {
        // Instances (and an edge) each reuse a status for a moment: an answer computed before the
        // one shown would move the line backwards, so the newer one stays.
        const shown = previous && previous.source.productId === productId ? previous.value : undefined;
        return shown && Date.parse(state.value.asOf) < Date.parse(shown.asOf) ? shown : state.value;
      }
      if (state.status === 'off') return null;
      return previous && previous.source.productId === productId ? previous.value : undefined;
    },
  });

  readonly status = computed(() => this.lastStatus() ?? null);
  readonly reconnecting = computed(() => this.statusState().status === 'reconnecting');

  readonly ticket = computed<QueueTicket | null>(() => {
    const id = this.productId();
    return id === null ? null : this.holdings.ticket(id, this.buyerId());
  });

  readonly pass = computed(() => {
    const id = this.productId();
    return id === null ? null : this.holdings.pass(id, this.buyerId());
  });

  /** The server said the turn ran out (on the exchange or on `POST /buy`). */
  private readonly turnEnded = signal(false);

  private readonly clock = signal(Date.now());
  private readonly passExpiresAtMs = computed(() => {
    const pass = this.pass();
    return pass ? Date.parse(pass.expiresAt) : null;
  });
  /** What is left of the turn, ticking each second while a pass is held. */
  readonly passLeftMs = computed(() => {
    const atMs = this.passExpiresAtMs();
    return atMs === null ? null : Math.max(0, atMs - this.clock());
  });

  readonly phase = computed<QueuePhase>(() =>
    queuePhase({
      status: this.lastStatus(),
      ticket: this.ticket(),
      pass: this.pass(),
      passRefusedAsExpired: this.turnEnded(),
      nowMs: this.clock(),
    }),
  );

  /** The drop sells through its waiting room and this visitor may not buy yet. */
  readonly holdsBuyBack = computed(() => !['checking', 'off', 'your-turn'].includes(this.phase()));

  readonly position = computed(() => this.ticket()?.position ?? null);
  readonly peopleAhead = computed(() => peopleAhead(this.position(), this.status()));
  readonly estimatedWaitMs = computed(() => estimatedWaitMs(this.peopleAhead(), this.status()));

  /**
   * What a screen reader is told (politely): the phase, and while waiting only the threshold the
   * people ahead have passed, so a poll that moves the line by a few says nothing.
   */
  readonly announcement = computed(() => {
    switch (this.phase()) {
      case 'waiting': {
        const ahead = this.peopleAhead();
        return ahead === null ? '' : `You are in line. ${aheadMilestone(ahead)}`;
      }
      case 'drawing':
        return 'You are in the waiting room. Your place is drawn when the drop opens.';
      case 'admitted':
        return 'Your turn is coming up now.';
      case 'your-turn':
        return 'It is your turn: you can buy now.';
      case 'expired':
        return 'Your turn has run out.';
      case 'sold-out':
        return 'Sold out: nothing is left.';
      case 'paused':
        return 'The waiting room is paused. You keep your place.';
      case 'closed':
        return 'The waiting room is closed.';
      default:
        return '';
    }
  });

  private readonly joinStatus = signal<JoinState>({ status: 'idle' });
  readonly joinState = this.joinStatus.asReadonly();
  readonly joining = computed(() => ['solving', 'joining'].includes(this.joinStatus().status));

  /** The per-ticket calls asked for at most once per status answer, and never two at a time. */
  private positionAsked: { asOf: string | null; inFlight: boolean } = { asOf: null, inFlight: false };
  private passAsked: { asOf: string | null; inFlight: boolean } = { asOf: null, inFlight: false };
  private handledPurchase: PurchaseState | null = null;

  constructor() {
    toObservable(this.passExpiresAtMs)
      .pipe(
        switchMap((atMs) => (atMs === null ? of(null) : countdown(atMs, 1000))),
        takeUntilDestroyed(),
      )
      .subscribe(() => this.clock.set(Date.now()));

    // After the draw the place is known: ask for it (once; again only while the answer lags).
    effect(() => {
      const id = this.productId();
      const ticket = this.ticket();
      const status = this.status();
      if (id !== null && ticket && ticket.position === null && status && status.state !== 'pre_queue') {
        untracked(() => this.askPosition(id, ticket, status.asOf));
      }
    });

    // Admission reached the place: exchange the ticket for a pass.
    effect(() => {
      const id = this.productId();
      const ticket = this.ticket();
      const status = this.status();
      if (id !== null && ticket && status && this.phase() === 'admitted') {
        untracked(() => this.askPass(id, ticket, status.asOf));
      }
    });

    // What `POST /buy` said of the pass.
    effect(() => {
      const purchase = this.source().purchase?.() ?? null;
      if (purchase?.status === 'done' && purchase !== this.handledPurchase) {
        this.handledPurchase = purchase;
        if (purchase.outcome.kind === 'queue-pass') {
          const reason = purchase.outcome.reason;
          untracked(() => this.passRefused(reason));
        }
      }
    });
  }

  /** Follows the drop `productId` holds, and the answers of its purchases (`DropStore.purchase`). */
  connect(productId: Signal<number | null>, purchase: Signal<PurchaseState> | null = null): void {
    this.source.set({ productId, purchase });
  }

  /** Joins the waiting room, solving its proof of work when it asks for one. */
  join(): void {
    const id = this.productId();
    if (id === null || this.joining() || this.ticket()) {
      return;
    }
    this.attemptJoin(id, this.buyerId(), this.status()?.proofOfWork === true, false);
  }

  /** After the turn ran out: gives up the spent ticket and pass and queues again, at the end. */
  rejoin(): void {
    const id = this.productId();
    if (id === null || this.joining()) {
      return;
    }
    const buyerId = this.buyerId();
    this.holdings.setPass(id, buyerId, null);
    this.holdings.setTicket(id, buyerId, null);
    this.turnEnded.set(false);
    this.join();
  }

  private attemptJoin(id: number, buyerId: string | null, withProof: boolean, retried: boolean): void {
    this.joinStatus.set({ status: withProof ? 'solving' : 'joining' });
    const proof$: Observable<string | undefined> = withProof ? this.solveChallenge(id) : of(undefined);
    proof$
      .pipe(
        switchMap((proof) => {
          this.joinStatus.set({ status: 'joining' });
          return this.client.join(id, proof);
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe({
        next: (ticket) => {
          this.holdings.setTicket(id, buyerId, ticket);
          this.turnEnded.set(false);
          this.joinStatus.set({ status: 'idle' });
        },
        error: (error: unknown) => {
          const refusal: QueueRefusal =
            error instanceof Unsolvable
              ? { code: UNSOLVED, httpStatus: 0, detail: null }
              : queueRefusal(error);
          const wantsProof =
            refusal.code === ErrorCode.ProofOfWorkRequired || refusal.code === ErrorCode.ProofOfWorkInvalid;
          if (wantsProof && !retried) {
            // The status was older than the setting, or the challenge was spent: solve a fresh one.
            this.attemptJoin(id, buyerId, true, true);
            return;
          }
          this.joinStatus.set({ status: 'refused', ...refusal });
        },
      });
  }

  private solveChallenge(id: number): Observable<string> {
    return this.client.challenge(id).pipe(
      switchMap((challenge) => from(this.solve(challenge))),
      map((proof) => {
        if (proof === null) throw new Unsolvable('no solution');
        return proof;
      }),
    );
  }

  private askPosition(id: number, ticket: QueueTicket, asOf: string): void {
    const asked = this.positionAsked;
    if (asked.inFlight || asked.asOf === asOf) return;
    this.positionAsked = { asOf, inFlight: true };
    const buyerId = this.buyerId();
    // A pre-queue ticket finds its place in the drawn order's shared block; a ticket kept by an
    // earlier build (no number) asks for it by itself.
    const place =
      ticket.preQueue && typeof ticket.number === 'number'
        ? this.client.placeOf(id, ticket.number).pipe(map((position) => ({ ...ticket, position })))
        : this.client.position(id, ticket.ticket);
    place.pipe(takeUntilDestroyed(this.destroyRef)).subscribe({
      next: (answer) => {
        this.positionAsked = { asOf, inFlight: false };
        if (answer.position !== null) this.holdings.setTicket(id, buyerId, answer);
      },
      error: (error: unknown) => {
        this.positionAsked = { asOf, inFlight: false };
        if (queueRefusal(error).code === ErrorCode.QueueTicketInvalid)
          this.holdings.setTicket(id, buyerId, null);
      },
    });
  }

  private askPass(id: number, ticket: QueueTicket, asOf: string): void {
    const asked = this.passAsked;
    if (asked.inFlight || asked.asOf === asOf) return;
    this.passAsked = { asOf, inFlight: true };
    const buyerId = this.buyerId();
    this.client
      .pass(id, ticket.ticket)
      .pipe(takeUntilDestroyed(this.destroyRef))
      .subscribe({
        next: (pass) => {
          this.passAsked = { asOf, inFlight: false };
          this.turnEnded.set(false);
          this.holdings.setPass(id, buyerId, pass);
        },
        error: (error: unknown) => {
          this.passAsked = { asOf, inFlight: false };
          const { code } = queueRefusal(error);
          if (code === ErrorCode.QueuePassExpired) this.turnEnded.set(true);
          if (code === ErrorCode.QueueTicketInvalid) this.holdings.setTicket(id, buyerId, null);
          // QUEUE_NOT_YOUR_TURN (a status a second ahead of the store) and faults: the next status asks again.
        },
      });
  }

  private passRefused(reason: QueuePassRefusal): void {
    const id = this.productId();
    if (id === null) return;
    const buyerId = this.buyerId();
    switch (reason) {
      case 'required':
        // The operator put the drop behind a waiting room after this page looked.
        this.rechecks.update((n) => n + 1);
        return;
      case 'expired':
        this.turnEnded.set(true);
        return;
      case 'invalid':
      case 'used':
        // Not a pass for this buyer, or an anonymous one that has bought: queue again for another.
        this.holdings.setPass(id, buyerId, null);
        this.holdings.setTicket(id, buyerId, null);
        return;
    }
  }
}
