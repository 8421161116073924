import { HttpTestingController } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { QueueStatus, QueueTicket } from '@gtd/shared-contracts';
import { GOLDEN_TICKET, problem, provideDataAccessTesting, queueStatus } from '@gtd/web-data-access/testing';
import { DropPage } from '../drop-page/drop-page';
import { formatTurnLeft, formatWait, spokenTurnLeft } from './queue-text';

const QUEUE_URL = '/products/1/queue';

describe('the waiting room on the drop page', () => {
  let fixture: ComponentFixture<DropPage>;
  let http: HttpTestingController;
  let el: HTMLElement;
  let answers = 0;

  const q = (testId: string) => el.querySelector<HTMLElement>(`[data-testid="${testId}"]`);
  const text = (testId: string) => q(testId)?.textContent?.trim() ?? null;
  const render = () => {
    TestBed.tick();
    fixture.detectChanges();
  };

  const status = (over: Partial<QueueStatus> = {}): QueueStatus =>
    queueStatus({
      admissionsPerMinute: 30,
      pollAfterMs: 2000,
      asOf: new Date(Date.now() + ++answers).toISOString(),
      ...over,
    });

  function answerStatus(over: Partial<QueueStatus> = {}): void {
    http.expectOne((r) => r.method === 'GET' && r.url === QUEUE_URL).flush(status(over));
    render();
  }

  function openQueued(over: Partial<QueueStatus> = {}): void {
    fixture = TestBed.createComponent(DropPage);
    el = fixture.nativeElement;
    fixture.componentRef.setInput('id', '1');
    render();
    http.expectOne('/products/1').flush(GOLDEN_TICKET);
    render();
    http
      .expectOne('/products/1/inventory')
      .flush({ productId: 1, available: 10, state: 'live', pollAfterMs: 2000 });
    answerStatus(over);
  }

  function join(ticket: QueueTicket): void {
    q('queue-join')?.click();
    render();
    http
      .expectOne((r) => r.method === 'POST' && r.url === QUEUE_URL)
      .flush(ticket, { status: 201, statusText: 'Created' });
    render();
  }

  /** The next status (the testing cadence polls once an hour); the live count polled meanwhile answers too. */
  function nextStatus(over: Partial<QueueStatus> = {}): void {
    jest.advanceTimersByTime(3_600_000);
    http
      .match('/products/1/inventory')
      .forEach((r) =>
        r.flush({ productId: 1, available: over.available ?? 10, state: 'live', pollAfterMs: 2000 }),
      );
    answerStatus(over);
  }

  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({ providers: [provideDataAccessTesting(), provideRouter([])] });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    fixture.destroy();
    http.verify();
    jest.useRealTimers();
  });

  it('shows the queue instead of Buy now, and the place, the people ahead and the wait once in line', () => {
    openQueued({ admittedThrough: 10 });
    expect(q('buy-button')).toBeNull();
    expect(q('queue')?.getAttribute('data-phase')).toBe('join');
    join({ ticket: 'ticket-1', productId: 1, position: 25, preQueue: false });
    expect(text('queue-position')).toBe('25');
    expect(text('queue-ahead')).toBe('14');
    expect(text('queue-wait')).toBe('less than a minute');
    expect(text('queue-keep-open')).toBe('Keep this tab open; a reload keeps your place.');
    expect(q('queue-announcement')?.getAttribute('aria-live')).toBe('polite');
    expect(text('queue-announcement')).toBe('You are in line. 20 or fewer people are ahead of you.');
    expect(q('buy-button')).toBeNull();
  });

  it('at the turn: the pass countdown, Buy now, and the pass sent with the purchase', () => {
    openQueued({ admittedThrough: 0 });
    join({ ticket: 'ticket-1', productId: 1, position: 2, preQueue: false });
    nextStatus({ admittedThrough: 2 });
    expect(q('queue')?.getAttribute('data-phase')).toBe('admitted');
    const expiresAt = new Date(Date.now() + 90_000).toISOString();
    http.expectOne('/products/1/queue/pass').flush({ pass: 'pass-1', productId: 1, position: 2, expiresAt });
    render();
    expect(q('queue')?.getAttribute('data-phase')).toBe('your-turn');
    expect(text('queue-turn-left')).toBe('1:30');
    expect(q('queue-turn-left')?.getAttribute('aria-label')).toBe('About 2 minutes left to buy');
    expect(text('queue-announcement')).toBe('It is your turn: you can buy now.');

    (q('buy-button') as HTMLButtonElement).click();
    render();
    const buy = http.expectOne('/buy');
    expect(buy.request.headers.get('Queue-Pass')).toBe('pass-1');
    buy.flush(
      { orderId: 'o-1', productId: 1, quantity: 1, remaining: 9 },
      { status: 201, statusText: 'Created' },
    );
    render();
    http
      .expectOne('/products/1/inventory')
      .flush({ productId: 1, available: 9, state: 'live', pollAfterMs: 2000 });
    render();
    expect(text('order-id')).toBe('o-1');
  });

  it('tells everyone waiting at once when it sells out, and when admission pauses', () => {
    openQueued();
    join({ ticket: 'ticket-1', productId: 1, position: 40, preQueue: false });
    nextStatus({ state: 'paused' });
    expect(text('queue-paused')).toMatch(/paused for a moment/);
    nextStatus({ state: 'sold_out', available: 0 });
    expect(q('queue')?.getAttribute('data-phase')).toBe('sold-out');
    expect(text('queue-sold-out')).toMatch(/^Every unit of “Golden Ticket” has been claimed/);
    expect(q('buy-button')).toBeNull();
  });

  it('leaves a drop without a waiting room as it was: one look (404), then Buy now without a pass', () => {
    fixture = TestBed.createComponent(DropPage);
    el = fixture.nativeElement;
    fixture.componentRef.setInput('id', '1');
    render();
    http.expectOne('/products/1').flush(GOLDEN_TICKET);
    render();
    http
      .expectOne('/products/1/inventory')
      .flush({ productId: 1, available: 10, state: 'live', pollAfterMs: 2000 });
    // Buy now is there while the page looks, and stays once the answer says there is no queue.
    expect(q('buy-button')).not.toBeNull();
    http
      .expectOne(QUEUE_URL)
      .flush(problem(404, 'QUEUE_NOT_ENABLED'), { status: 404, statusText: 'Not Found' });
    render();
    expect(q('queue')).toBeNull();
    jest.advanceTimersByTime(3_600_000 * 3);
    http.expectNone(QUEUE_URL);
    http
      .match('/products/1/inventory')
      .forEach((r) => r.flush({ productId: 1, available: 10, state: 'live', pollAfterMs: 2000 }));
    render();
    (q('buy-button') as HTMLButtonElement).click();
    render();
    const buy = http.expectOne('/buy');
    expect(buy.request.headers.has('Queue-Pass')).toBe(false);
    buy.flush(
      { orderId: 'o-1', productId: 1, quantity: 1, remaining: 9 },
      { status: 201, statusText: 'Created' },
    );
    render();
    http
      .expectOne('/products/1/inventory')
      .flush({ productId: 1, available: 9, state: 'live', pollAfterMs: 2000 });
  });

  it('says why a join was refused', () => {
    openQueued();
    q('queue-join')?.click();
    render();
    http
      .expectOne((r) => r.method === 'POST' && r.url === QUEUE_URL)
      .flush(problem(429, 'RATE_LIMITED'), { status: 429, statusText: 'Too Many Requests' });
    render();
    expect(text('queue-join-refused')).toBe(
      'Too many joins from your connection: wait a minute and try again.',
    );
  });

  it('words the wait and the turn', () => {
    expect(formatWait(null)).toBeNull();
    expect(formatWait(59_000)).toBe('less than a minute');
    expect(formatWait(61_000)).toBe('about 2 minutes');
    expect(formatWait(3_600_000 + 60_000)).toBe('about 1 hour 1 minute');
    expect(formatTurnLeft(299_500)).toBe('5:00');
    expect(formatTurnLeft(61_000)).toBe('1:01');
    expect(spokenTurnLeft(30_000)).toBe('Less than a minute left to buy');
    expect(spokenTurnLeft(0)).toBe('Your turn has ended');
  });
});
