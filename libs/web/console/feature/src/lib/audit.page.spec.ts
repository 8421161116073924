import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, Router, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminProduct, AuditEntry } from '@gtd/shared-contracts';
import { SESSION_STORAGE } from '@gtd/web-data-access';
import { AUDIT_PAGE_SIZE } from './audit.page';
import { consoleRoutes } from './console.routes';

const DROPS = [
  { id: 1, name: 'Golden Ticket', currency: 'EUR' },
  { id: 2, name: 'Silver Ticket', currency: 'JPY' },
] as AdminProduct[];

const entry = (id: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  id: String(id),
  at: '2030-01-15T14:30:00.000Z',
  actor: 'admin@203.0.113.7',
  action: 'product.pause',
  productId: 1,
  details: {},
  ...extra,
});

describe('the audit log page', () => {
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

  async function settle(): Promise<void> {
    await harness.fixture.whenStable();
    harness.detectChanges();
  }

  async function visit(url: string): Promise<void> {
    harness = await RouterTestingHarness.create(url);
    root = harness.fixture.nativeElement as HTMLElement;
    harness.detectChanges();
    http.expectOne('/admin/products').flush(DROPS);
    harness.detectChanges();
  }

  /** The one pending read of the log, checked for the bearer. */
  function auditRequest(): TestRequest {
    const request = http.expectOne((r) => r.url === '/admin/audit');
    expect(request.request.headers.get('Authorization')).toBe('Bearer op-token');
    return request;
  }

  const params = (request: TestRequest) =>
    Object.fromEntries(request.request.params.keys().map((k) => [k, request.request.params.get(k)]));
  const cells = (column: number) =>
    [...root.querySelectorAll(`tbody tr td:nth-child(${column})`)].map((td) => td.textContent?.trim());
  const link = (text: string) =>
    [...root.querySelectorAll('a')].find((a) => a.textContent?.trim() === text) as
      | HTMLAnchorElement
      | undefined;
  const url = () => TestBed.inject(Router).url;

  it('lists the entries newest first, with when (UTC on hover), who, what, which drop and the details', async () => {
    await visit('/console/audit');
    const request = auditRequest();
    expect(params(request)).toEqual({ limit: String(AUDIT_PAGE_SIZE + 1) });
    request.flush([
      entry(3, {
        action: 'product.restock',
        details: {
          mode: 'add',
          quantity: 50,
          before: { stock: 100, available: 0 },
          after: { stock: 150, available: 50 },
        },
      }),
      entry(4, {
        action: 'order.cancel',
        details: { orderId: 'o-1', quantity: 2, buyerId: null, available: { before: 0, after: 2 } },
      }),
      entry(2, { action: 'product.update', productId: 2, details: { name: 'Silver', price: 500 } }),
      entry(1, {
        action: 'product.create',
        details: { name: 'Golden Ticket', price: 2500, currency: 'EUR' },
      }),
    ]);
    await settle();
    expect(cells(3)).toEqual(['Restocked', 'Order cancelled', 'Drop changed', 'Drop created']);
    expect(cells(4)).toEqual(['Golden Ticket', 'Golden Ticket', 'Silver Ticket', 'Golden Ticket']);
    expect(cells(2)[0]).toBe('admin@203.0.113.7');
    expect(cells(5)[0]).toBe('add 50: stock 100 → 150, available 0 → 50');
    expect(cells(5)[1]).toBe('order o-1: 2 back on sale, available 0 → 2');
    expect(cells(5)[2]).toBe('name “Silver”, price ¥500');
    expect(cells(5)[3]).toBe('name “Golden Ticket”, price €25.00, currency “EUR”');
    expect(root.querySelector('tbody time')?.getAttribute('title')).toBe('15 Jan 2030, 14:30:00 UTC');
    expect(root.querySelector('[role="status"]')?.textContent?.trim()).toBe('4 entries, newest first.');
    expect(link('Older entries')).toBeUndefined();
  });

  it('puts the filters in the URL and asks the API for them, from the newest entry', async () => {
    await visit('/console/audit?before=40');
    auditRequest().flush([entry(39)]);
    await settle();
    const product = root.querySelector('#audit-product') as HTMLSelectElement;
    const action = root.querySelector('#audit-action') as HTMLSelectElement;
    product.value = '2';
    action.value = 'product.restock';
    root.querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    await settle();
    expect(url()).toBe('/console/audit?productId=2&action=product.restock');
    const request = auditRequest();
    expect(params(request)).toEqual({ productId: '2', action: 'product.restock', limit: '51' });
    request.flush([]);
    await settle();
    expect(root.querySelector('[role="status"]')?.textContent?.trim()).toBe('No entries match.');
  });

  it('reads the filters from the URL, and shows them in the selects', async () => {
    await visit('/console/audit?productId=1&action=product.pause');
    expect(params(auditRequest())).toEqual({ productId: '1', action: 'product.pause', limit: '51' });
    expect((root.querySelector('#audit-product') as HTMLSelectElement).value).toBe('1');
    expect((root.querySelector('#audit-action') as HTMLSelectElement).value).toBe('product.pause');
  });

  it('pages to older entries with the last id seen as `before`, keeping the filters', async () => {
    await visit('/console/audit?action=product.pause');
    // One more than a page: there are older entries, and the page shows only 50.
    auditRequest().flush(Array.from({ length: AUDIT_PAGE_SIZE + 1 }, (_, i) => entry(200 - i)));
    await settle();
    expect(root.querySelectorAll('tbody tr')).toHaveLength(AUDIT_PAGE_SIZE);
    const older = link('Older entries');
    expect(older?.getAttribute('href')).toBe('/console/audit?action=product.pause&before=151');
    older?.click();
    await settle();
    expect(url()).toBe('/console/audit?action=product.pause&before=151');
    const next = auditRequest();
    expect(params(next)).toEqual({ action: 'product.pause', before: '151', limit: '51' });
    next.flush([entry(150), entry(149)]);
    await settle();
    expect(root.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(link('Older entries')).toBeUndefined();
    expect(link('Newest entries')?.getAttribute('href')).toBe('/console/audit?action=product.pause');
    expect(root.querySelector('[role="status"]')?.textContent?.trim()).toBe(
      '2 entries, older ones, newest first.',
    );
  });

  it('says so when the log cannot be loaded', async () => {
    await visit('/console/audit');
    auditRequest().flush({}, { status: 503, statusText: 'Unavailable' });
    await settle();
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('could not be loaded');
  });
});
