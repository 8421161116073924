import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminProduct, AdminQueue, ErrorCode } from '@gtd/shared-contracts';
import { SESSION_STORAGE } from '@gtd/web-data-access';
import { problem } from '@gtd/web-data-access/testing';
import { consoleRoutes } from './console.routes';
import { QUEUE_DEFAULTS } from './waiting-room.model';

const DROP: AdminProduct = {
  id: 7,
  name: 'Golden Ticket',
  description: 'A tour.',
  price: 2500,
  currency: 'EUR',
  stock: 100,
  available: 60,
  maxQuantityPerPurchase: 10,
  startsAt: '2030-01-15T14:30:00.000Z',
  endsAt: null,
  perBuyerLimit: 2,
  state: 'upcoming',
  paused: false,
};

const queueOf = (settings = QUEUE_DEFAULTS): AdminQueue =>
  ({ productId: DROP.id, settings, status: {}, stats: {} }) as AdminQueue;

/** The form as the console mounts it, signed in, in America/New_York (jest.time-zone.cjs). */
describe('the drop form', () => {
  let harness: RouterTestingHarness;
  let http: HttpTestingController;
  let root: HTMLElement;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter([{ path: 'console', children: consoleRoutes }], withComponentInputBinding()),
        {
          provide: SESSION_STORAGE,
          useValue: { getItem: () => 'op-token', setItem: () => undefined, removeItem: () => undefined },
        },
      ],
    });
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  /** Where a save lands: the drop's own page, whose reads (drop and figures) are its own spec's concern. */
  function landedOnDropPage(id: number): void {
    expect(TestBed.inject(Router).url).toBe(`/console/drops/${id}`);
    http.match(
      (r) =>
        r.method === 'GET' &&
        (r.url === `/admin/products/${id}` || r.url === `/admin/products/${id}/summary`),
    );
  }

  async function visit(url: string): Promise<void> {
    harness = await RouterTestingHarness.create(url);
    root = harness.fixture.nativeElement as HTMLElement;
    harness.detectChanges();
  }

  const field = (id: string) => root.querySelector(`#${id}`) as HTMLInputElement;

  function type(id: string, value: string): void {
    const input = field(id);
    input.value = value;
    input.dispatchEvent(new Event(input.type === 'checkbox' ? 'change' : 'input'));
    harness.detectChanges();
  }

  function check(id: string): void {
    field(id).click();
    harness.detectChanges();
  }

  function submit(): void {
    root.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    harness.detectChanges();
  }

  async function settle(): Promise<void> {
    await harness.fixture.whenStable();
    harness.detectChanges();
  }

  function fillNewDrop(): void {
    type('drop-name', 'Wonka Bar');
    type('drop-price', '19.99');
    type('drop-currency', 'EUR');
    type('drop-stock', '40');
    type('drop-startsAt', '2030-01-15T09:30');
    type('drop-endsAt', '2030-07-01T20:00');
  }

  it('creates a drop in minor units and UTC instants, then opens its page', async () => {
    await visit('/console/drops/new');
    fillNewDrop();
    expect(root.querySelector('#drop-startsAt-utc')?.textContent).toContain('15 Jan 2030, 14:30:00 UTC');
    submit();
    const request = http.expectOne({ method: 'POST', url: '/admin/products' });
    expect(request.request.headers.get('Authorization')).toBe('Bearer op-token');
    expect(request.request.body).toEqual({
      name: 'Wonka Bar',
      price: 1999,
      currency: 'EUR',
      stock: 40,
      startsAt: '2030-01-15T14:30:00.000Z',
      // Summer time: UTC−4.
      endsAt: '2030-07-02T00:00:00.000Z',
    });
    expect(root.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(true);
    request.flush({ ...DROP, id: 9 }, { status: 201, statusText: 'Created' });
    await settle();
    landedOnDropPage(9);
  });

  it('shows the API’s field errors at their fields, with a focused summary linking to them', async () => {
    await visit('/console/drops/new');
    fillNewDrop();
    type('drop-currency', 'EURO');
    submit();
    http.expectOne('/admin/products').flush(
      problem(400, ErrorCode.ValidationFailed, {
        errors: [
          { field: 'currency', messages: ['currency must be an upper-case ISO 4217 code, e.g. EUR'] },
          { field: 'endsAt', messages: ['endsAt must be after startsAt'] },
        ],
      }),
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    const currency = field('drop-currency');
    expect(currency.getAttribute('aria-invalid')).toBe('true');
    expect(currency.getAttribute('aria-describedby')).toBe('drop-currency-hint drop-currency-error');
    expect(root.querySelector('#drop-currency-error')?.textContent).toContain('upper-case ISO 4217');
    expect(field('drop-endsAt').getAttribute('aria-describedby')).toContain('drop-endsAt-error');
    expect(field('drop-name').getAttribute('aria-invalid')).toBeNull();
    const summary = root.querySelector('[data-testid="error-summary"]') as HTMLElement;
    expect(summary.getAttribute('role')).toBe('alert');
    expect(document.activeElement).toBe(summary);
    const links = [...summary.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['#drop-currency', '#drop-endsAt']);
    links[0].click();
    expect(document.activeElement).toBe(currency);
    expect(root.querySelector<HTMLButtonElement>('button[type="submit"]')?.disabled).toBe(false);
  });

  it('checks what it needs before sending anything', async () => {
    await visit('/console/drops/new');
    type('drop-price', '2.505');
    submit();
    http.expectNone('/admin/products');
    expect(field('drop-name').getAttribute('aria-invalid')).toBe('true');
    expect(field('drop-price').getAttribute('aria-invalid')).toBe('true');
    expect(field('drop-stock').getAttribute('aria-invalid')).toBe('true');
  });

  it('saves the waiting room through its own route once the drop exists', async () => {
    await visit('/console/drops/new');
    fillNewDrop();
    check('queue-enabled');
    type('queue-admissionsPerMinute', '120');
    submit();
    http.expectOne({ method: 'POST', url: '/admin/products' }).flush({ ...DROP, id: 9 });
    harness.detectChanges();
    const put = http.expectOne({ method: 'PUT', url: '/admin/products/9/queue' });
    expect(put.request.body).toEqual({ ...QUEUE_DEFAULTS, enabled: true, admissionsPerMinute: 120 });
    put.flush(queueOf({ ...QUEUE_DEFAULTS, enabled: true, admissionsPerMinute: 120 }));
    await settle();
    landedOnDropPage(9);
  });

  it('keeps a created drop when its waiting room is refused: the error at the field, a retry edits it', async () => {
    await visit('/console/drops/new');
    fillNewDrop();
    check('queue-enabled');
    type('queue-passLifetimeSeconds', '5');
    submit();
    const create = http.expectOne({ method: 'POST', url: '/admin/products' });
    create.flush({ ...DROP, description: '', perBuyerLimit: null, ...create.request.body, id: 9 });
    harness.detectChanges();
    http.expectOne('/admin/products/9/queue').flush(
      problem(400, ErrorCode.ValidationFailed, {
        errors: [
          { field: 'passLifetimeSeconds', messages: ['passLifetimeSeconds must not be less than 30'] },
        ],
      }),
      { status: 400, statusText: 'Bad Request' },
    );
    await settle();
    expect(field('queue-passLifetimeSeconds').getAttribute('aria-invalid')).toBe('true');
    expect(root.textContent).toContain('The drop was created, but its waiting room was not saved');
    type('queue-passLifetimeSeconds', '60');
    submit();
    // The drop was created already: no second POST, only what is left to save.
    http.expectNone({ method: 'POST', url: '/admin/products' });
    const put = http.expectOne({ method: 'PUT', url: '/admin/products/9/queue' });
    expect(put.request.body).toMatchObject({ enabled: true, passLifetimeSeconds: 60 });
    put.flush(queueOf({ ...QUEUE_DEFAULTS, enabled: true, passLifetimeSeconds: 60 }));
    await settle();
    landedOnDropPage(9);
  });

  describe('editing', () => {
    async function openEdit(): Promise<void> {
      await visit('/console/drops/7/edit');
      http.expectOne({ method: 'GET', url: '/admin/products/7' }).flush(DROP);
      http.expectOne({ method: 'GET', url: '/admin/products/7/queue' }).flush(queueOf());
      await settle();
    }

    it('shows the drop as stored: price in major units, times in the operator’s zone', async () => {
      await openEdit();
      expect(root.querySelector('h1')?.textContent?.trim()).toBe('Edit drop');
      expect(field('drop-name').value).toBe('Golden Ticket');
      expect(field('drop-price').value).toBe('25.00');
      expect(field('drop-startsAt').value).toBe('2030-01-15T09:30');
      expect(field('drop-perBuyerLimit').value).toBe('2');
      // Stock changes are restocks, not edits.
      expect(field('drop-stock')).toBeNull();
    });

    it('sends only the changed fields, clearing with null', async () => {
      await openEdit();
      type('drop-name', 'Golden Ticket Deluxe');
      type('drop-price', '30');
      type('drop-perBuyerLimit', '');
      submit();
      const patch = http.expectOne({ method: 'PATCH', url: '/admin/products/7' });
      expect(patch.request.body).toEqual({ name: 'Golden Ticket Deluxe', price: 3000, perBuyerLimit: null });
      patch.flush({ ...DROP, name: 'Golden Ticket Deluxe', price: 3000, perBuyerLimit: null });
      await settle();
      // The waiting room was not touched: not saved again.
      http.expectNone('/admin/products/7/queue');
      landedOnDropPage(7);
    });

    it('sends nothing when nothing changed, and says so', async () => {
      await openEdit();
      submit();
      http.expectNone({ method: 'PATCH', url: '/admin/products/7' });
      expect(root.querySelector('[role="status"]')?.textContent).toContain('Nothing changed');
    });

    it('says so when the drop does not exist', async () => {
      await visit('/console/drops/7/edit');
      http
        .expectOne('/admin/products/7')
        .flush(problem(404, ErrorCode.ProductNotFound), { status: 404, statusText: 'Not Found' });
      // Its companion read is cancelled with it.
      expect(http.expectOne('/admin/products/7/queue').cancelled).toBe(true);
      await settle();
      expect(root.querySelector('[role="alert"]')?.textContent).toContain('There is no drop 7');
      expect(root.querySelector('form')).toBeNull();
    });
  });
});
