import { HttpTestingController } from '@angular/common/http/testing';
import { signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { QueuePass, QueueStatus, QueueTicket } from '@gtd/shared-contracts';
import { problem, provideDataAccessTesting, queueStatus } from '../../testing';
import { SESSION_STORAGE } from '../auth/buyer-session';
import { INVENTORY_POLL_INTERVAL_MS } from '../config/api-config';
import type { PurchaseState } from '../purchase/purchase-outcome';
import { PROOF_OF_WORK_SOLVER } from './proof-of-work';
import { QueueHoldings } from './queue-holdings';
import { QueueStore } from './queue-store';

const STATUS_URL = '/products/1/queue';
const POLL_MS = 1000;
const T0 = Date.parse('2030-01-01T10:00:00.000Z');

describe('QueueStore', () => {
  let http: HttpTestingController;
  let store: QueueStore;
  let answers: number;
  let purchase: ReturnType<typeof signal<PurchaseState>>;

  function create(storage: Storage | null = null): void {
    TestBed.configureTestingModule({
      providers: [
        provideDataAccessTesting(),
        { provide: SESSION_STORAGE, useValue: storage },
        { provide: INVENTORY_POLL_INTERVAL_MS, useValue: POLL_MS },
        { provide: PROOF_OF_WORK_SOLVER, useValue: async () => 'solved-proof' },
        QueueStore,
      ],
    });
    http = TestBed.inject(HttpTestingController);
    store = TestBed.inject(QueueStore);
    purchase = signal<PurchaseState>({ status: 'idle' });
    store.connect(signal(1), purchase);
    TestBed.tick();
  }

  beforeEach(() => {
    jest.useFakeTimers();
    jest.setSystemTime(T0);
    answers = 0;
    window.sessionStorage.clear();
  });

  afterEach(() => {
    http.verify();
    TestBed.resetTestingModule();
    jest.useRealTimers();
    window.sessionStorage.clear();
  });

  const status = (over: Partial<QueueStatus> = {}): QueueStatus =>
    queueStatus({ pollAfterMs: POLL_MS, asOf: new Date(T0 + ++answers).toISOString(), ...over });

  /** Answers the status poll that is due now. */
  function answerStatus(over: Partial<QueueStatus> = {}): void {
    http.expectOne(STATUS_URL).flush(status(over));
    TestBed.tick();
  }

  /** Lets the status's `pollAfterMs` pass and answers the next poll. */
  function nextStatus(over: Partial<QueueStatus> = {}, afterMs = POLL_MS): void {
    jest.advanceTimersByTime(afterMs);
    answerStatus(over);
  }

  const ticket = (position: number | null): QueueTicket => ({
    ticket: 'ticket-1',
    productId: 1,
    position,
    preQueue: true,
    number: 1234,
  });

  /** Answers the look-up of ticket 1234's block of the drawn order (block 2: tickets 1001…2000) with its place. */
  function answerBlock(position: number): void {
    const positions = Array.from({ length: 1000 }, (_, i) => 5000 + i);
    positions[1234 - 1001] = position;
    const req = http.expectOne('/products/1/queue/order/2');
    expect(req.request.headers.has('Queue-Ticket')).toBe(false);
    req.flush({ productId: 1, block: 2, firstTicket: 1001, positions });
    TestBed.tick();
  }

  function join(answer: QueueTicket = ticket(null)): void {
    store.join();
    const req = http.expectOne((r) => r.method === 'POST' && r.url === STATUS_URL);
    req.flush(answer, { status: 201, statusText: 'Created' });
    TestBed.tick();
  }

  function answerPass(expiresAt: string, position = 3): QueuePass {
    const pass: QueuePass = { pass: 'pass-1', productId: 1, position, expiresAt };
    const req = http.expectOne('/products/1/queue/pass');
    expect(req.request.headers.get('Queue-Ticket')).toBe('ticket-1');
    req.flush(pass, { status: 201, statusText: 'Created' });
    TestBed.tick();
    return pass;
  }

  it('steps aside for a drop without a waiting room, after one request', () => {
    create();
    expect(store.phase()).toBe('checking');
    http
      .expectOne(STATUS_URL)
      .flush(problem(404, 'QUEUE_NOT_ENABLED'), { status: 404, statusText: 'Not Found' });
    TestBed.tick();
    expect(store.phase()).toBe('off');
    expect(store.holdsBuyBack()).toBe(false);
    jest.advanceTimersByTime(POLL_MS * 30);
    http.expectNone(STATUS_URL);
  });

  it('polls the status as often as pollAfterMs asks, revalidating its ETag', () => {
    create();
    const first = http.expectOne(STATUS_URL);
    expect(first.request.cache).toBe('no-cache');
    first.flush(status({ pollAfterMs: 5000 }));
    TestBed.tick();
    jest.advanceTimersByTime(4999);
    http.expectNone(STATUS_URL);
    jest.advanceTimersByTime(1);
    answerStatus();
  });

  it('never steps back to an answer computed before the one it shows (another instance, an edge)', () => {
    create();
    answerStatus({ admittedThrough: 20, asOf: new Date(T0 + 2_000).toISOString() });
    expect(store.status()?.admittedThrough).toBe(20);
    jest.advanceTimersByTime(POLL_MS);
    answerStatus({ admittedThrough: 10, asOf: new Date(T0 + 1_500).toISOString() });
    expect(store.status()?.admittedThrough).toBe(20);
    jest.advanceTimersByTime(POLL_MS);
    answerStatus({ admittedThrough: 30, asOf: new Date(T0 + 3_000).toISOString() });
    expect(store.status()?.admittedThrough).toBe(30);
  });

  it('joins the pre-queue, learns the place once after the draw, and counts the people ahead', () => {
    create();
    answerStatus({ state: 'pre_queue' });
    expect(store.phase()).toBe('join');
    join();
    expect(store.phase()).toBe('drawing');
    expect(store.announcement()).toMatch(/drawn when the drop opens/);

    // Still before the opening: the place is not asked for.
    nextStatus({ state: 'pre_queue', joined: 200 });
    http.expectNone('/products/1/queue/position');

    // The draw: the place read once, from the drawn order's block the ticket's number is in.
    nextStatus({ state: 'admitting', admittedThrough: 0, admissionsPerMinute: 60 });
    answerBlock(57);
    http.expectNone('/products/1/queue/position');
    expect(store.position()).toBe(57);
    expect(store.peopleAhead()).toBe(56);
    expect(store.estimatedWaitMs()).toBe(57_000);
    expect(store.phase()).toBe('waiting');
    const announced = store.announcement();
    expect(announced).toBe('You are in line. 100 or fewer people are ahead of you.');

    // From then on, the public status alone moves the count; the announcement waits for a threshold.
    nextStatus({ admittedThrough: 10, admissionsPerMinute: 120 });
    http.expectNone('/products/1/queue/position');
    expect(store.peopleAhead()).toBe(46);
    expect(store.estimatedWaitMs()).toBe(23_500);
    expect(store.announcement()).toBe('You are in line. 50 or fewer people are ahead of you.');
    nextStatus({ admittedThrough: 12 });
    expect(store.peopleAhead()).toBe(44);
    expect(store.announcement()).toBe('You are in line. 50 or fewer people are ahead of you.');
  });

  it('exchanges the ticket for a pass when admitted, and holds it until it runs out', () => {
    create();
    answerStatus({ admittedThrough: 0 });
    join(ticket(3));
    expect(store.phase()).toBe('waiting');
    nextStatus({ admittedThrough: 3 });
    expect(store.phase()).toBe('admitted');
    const pass = answerPass(new Date(T0 + 120_000).toISOString());
    expect(store.phase()).toBe('your-turn');
    expect(store.holdsBuyBack()).toBe(false);
    expect(TestBed.inject(QueueHoldings).pass(1, null)).toEqual(pass);
    expect(store.passLeftMs()).toBe(120_000 - (Date.now() - T0));

    // Status polls go on; no second pass is asked for.
    nextStatus({ admittedThrough: 9 });
    http.expectNone('/products/1/queue/pass');

    jest.advanceTimersByTime(120_000 - (Date.now() - T0) - 1000);
    http.match(STATUS_URL).forEach((r) => r.flush(status({ admittedThrough: 9 })));
    TestBed.tick();
    expect(store.phase()).toBe('your-turn');
    expect(store.passLeftMs()).toBe(1000);
    jest.advanceTimersByTime(1000);
    http.match(STATUS_URL).forEach((r) => r.flush(status({ admittedThrough: 9 })));
    TestBed.tick();
    expect(store.passLeftMs()).toBe(0);
    expect(store.phase()).toBe('expired');
    expect(store.holdsBuyBack()).toBe(true);
  });

  it('asks for the pass again at the next status when the store is a beat behind the status', () => {
    create();
    answerStatus({ admittedThrough: 3 });
    join(ticket(3));
    http
      .expectOne('/products/1/queue/pass')
      .flush(problem(409, 'QUEUE_NOT_YOUR_TURN'), { status: 409, statusText: 'Conflict' });
    TestBed.tick();
    expect(store.phase()).toBe('admitted');
    nextStatus({ admittedThrough: 3 });
    answerPass(new Date(T0 + 300_000).toISOString());
    expect(store.phase()).toBe('your-turn');
  });

  it('asks for the place by ticket when the ticket carries no number (kept by an earlier build)', () => {
    create();
    answerStatus({ state: 'pre_queue' });
    join({ ...ticket(null), number: undefined } as unknown as QueueTicket);
    nextStatus({ state: 'admitting' });
    const req = http.expectOne('/products/1/queue/position');
    expect(req.request.headers.get('Queue-Ticket')).toBe('ticket-1');
    req.flush(ticket(57));
    TestBed.tick();
    expect(store.position()).toBe(57);
  });

  it('keeps the ticket and the pass across a reload (sessionStorage)', () => {
    create(window.sessionStorage);
    answerStatus({ state: 'pre_queue' });
    join();
    http.verify();
    TestBed.resetTestingModule();

    create(window.sessionStorage);
    answerStatus({ state: 'pre_queue' });
    expect(store.ticket()).toEqual(ticket(null));
    expect(store.phase()).toBe('drawing');
    store.join(); // holds a ticket: no second join
    http.expectNone((r) => r.method === 'POST');

    nextStatus({ admittedThrough: 5 });
    answerBlock(4);
    answerPass(new Date(T0 + 300_000).toISOString(), 4);
    http.verify();
    TestBed.resetTestingModule();

    create(window.sessionStorage);
    answerStatus({ admittedThrough: 6 });
    expect(store.position()).toBe(4);
    expect(store.phase()).toBe('your-turn');
    http.expectNone('/products/1/queue/position');
    http.expectNone('/products/1/queue/pass');
  });

  it('shows sold out to everyone waiting as soon as the status says so', () => {
    create();
    answerStatus({ admittedThrough: 0 });
    join(ticket(40));
    expect(store.phase()).toBe('waiting');
    nextStatus({ state: 'sold_out', available: 0, admittedThrough: 12 });
    expect(store.phase()).toBe('sold-out');
    expect(store.announcement()).toBe('Sold out: nothing is left.');
  });

  it('solves the proof of work when the join asks for it', () => {
    create();
    answerStatus({ proofOfWork: false });
    store.join();
    http
      .expectOne((r) => r.method === 'POST' && r.url === STATUS_URL)
      .flush(problem(400, 'PROOF_OF_WORK_REQUIRED'), { status: 400, statusText: 'Bad Request' });
    const challenge = { algorithm: 'SHA-256', challenge: 'c', maxnumber: 10, salt: 's', signature: 'g' };
    http.expectOne('/products/1/queue/challenge').flush(challenge);
    expect(store.joinState().status).toBe('solving');
    return Promise.resolve().then(() => {
      const req = http.expectOne((r) => r.method === 'POST' && r.url === STATUS_URL);
      expect(req.request.body).toEqual({ proof: 'solved-proof' });
      req.flush(ticket(8), { status: 201, statusText: 'Created' });
      TestBed.tick();
      expect(store.ticket()?.position).toBe(8);
      expect(store.joinState().status).toBe('idle');
    });
  });

  it('ends the turn when POST /buy says the pass ran out, and asks the status again when it says one is needed', () => {
    create();
    answerStatus({ admittedThrough: 3 });
    join(ticket(3));
    answerPass(new Date(T0 + 300_000).toISOString());
    const attempt = { request: { productId: 1, quantity: 1 }, idempotencyKey: 'key-1' };
    purchase.set({
      status: 'done',
      attempt,
      outcome: { kind: 'queue-pass', reason: 'expired', problem: problem(403, 'QUEUE_PASS_EXPIRED') },
      outcomeUnknown: false,
    });
    TestBed.tick();
    expect(store.phase()).toBe('expired');

    purchase.set({
      status: 'done',
      attempt,
      outcome: { kind: 'queue-pass', reason: 'required', problem: problem(403, 'QUEUE_PASS_REQUIRED') },
      outcomeUnknown: false,
    });
    TestBed.tick();
    answerStatus({ admittedThrough: 3 }); // at once, not after pollAfterMs
  });
});
