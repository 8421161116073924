import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting, TestRequest } from '@angular/common/http/testing';
import { Component, input, output } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { AdminOrder, AdminProduct, DropSummary, OrdersPage } from '@gtd/shared-contracts';
import { SellThroughChart } from '@gtd/web-console-live';
import { SESSION_STORAGE } from '@gtd/web-data-access';
import { consoleRoutes } from '../console.routes';
import { ConsoleDropPage } from './drop.page';
import { SAVE_FILE, SaveFile } from './save-file';

/*
 * The drop page under the console's routes against HttpTestingController, signed in as `secret`,
 * with the live chart replaced by a stub (its stream and canvases are the live lib's own specs).
 */

@Component({ selector: 'gtd-sell-through-chart', template: '' })
export class StubChart {
  readonly productId = input.required<number>();
  readonly token = input.required<string>();
  readonly unauthorized = output<void>();
}

export const PRODUCT: AdminProduct = {
  id: 1,
  name: 'Golden Ticket',
  description: '',
  price: 5000,
  currency: 'EUR',
  stock: 100,
  available: 40,
  maxQuantityPerPurchase: 5,
  startsAt: null,
  endsAt: null,
  perBuyerLimit: null,
  state: 'live',
  paused: false,
};

export const SUMMARY: DropSummary = {
  productId: 1,
  state: 'live',
  stock: 100,
  sold: 60,
  available: 40,
  orders: 30,
  buyers: 20,
  rejects: {},
};

export function order(n: number, over: Partial<AdminOrder> = {}): AdminOrder {
  return {
    orderId: `o-${n}`,
    productId: 1,
    quantity: 2,
    unitPrice: 5000,
    currency: 'EUR',
    total: 10000,
    createdAt: '2030-01-01T10:00:00.000Z',
    status: 'sold',
    cancelledAt: null,
    buyerId: n % 2 === 0 ? `b-${n}` : null,
    ...over,
  };
}

export function ordersPage(from: number, count: number, nextCursor: string | null): OrdersPage {
  return { items: Array.from({ length: count }, (_, i) => order(from + i)), nextCursor };
}

export interface DropPageFixture {
  harness: RouterTestingHarness;
  http: HttpTestingController;
  root: HTMLElement;
  saved: jest.Mock<SaveFile>;
  storage: Map<string, string>;
  q(testId: string): HTMLElement | null;
  all(testId: string): HTMLElement[];
  text(testId: string): string | null;
  click(testId: string): Promise<void>;
  settle(): Promise<void>;
  /** The one request to `path` (query aside), checked to carry the operator's bearer. */
  expect(method: string, path: string): TestRequest;
}

/** Opens `/console/drops/<id>`, leaving its reads unanswered. */
export function visitDropPage(id = '1'): Promise<DropPageFixture> {
  return visitConsole(`/console/drops/${id}`);
}

/** Opens a console URL, signed in, leaving its reads unanswered. */
export async function visitConsole(url: string): Promise<DropPageFixture> {
  const storage = new Map<string, string>([['gtd.operator-token', 'secret']]);
  const saved = jest.fn<SaveFile>();
  TestBed.configureTestingModule({
    providers: [
      // The console as the app mounts it: its routes add the bearer and hand requests to this client.
      provideRouter([{ path: 'console', children: consoleRoutes }], withComponentInputBinding()),
      provideHttpClient(),
      provideHttpClientTesting(),
      {
        provide: SESSION_STORAGE,
        useValue: {
          getItem: (key: string) => storage.get(key) ?? null,
          setItem: (key: string, value: string) => storage.set(key, value),
          removeItem: (key: string) => storage.delete(key),
        },
      },
      { provide: SAVE_FILE, useValue: saved },
    ],
  });
  TestBed.overrideComponent(ConsoleDropPage, {
    remove: { imports: [SellThroughChart] },
    add: { imports: [StubChart] },
  });
  const http = TestBed.inject(HttpTestingController);
  const harness = await RouterTestingHarness.create(url);
  const root = harness.fixture.nativeElement as HTMLElement;
  const settle = async () => {
    await harness.fixture.whenStable();
    harness.detectChanges();
  };
  const fixture: DropPageFixture = {
    harness,
    http,
    root,
    saved,
    storage,
    settle,
    q: (testId) => root.querySelector<HTMLElement>(`[data-testid="${testId}"]`),
    all: (testId) => Array.from(root.querySelectorAll<HTMLElement>(`[data-testid="${testId}"]`)),
    text: (testId) => fixture.q(testId)?.textContent?.replace(/\s+/g, ' ').trim() ?? null,
    click: async (testId) => {
      const element = fixture.q(testId);
      if (!element) throw new Error(`no ${testId}`);
      element.click();
      await settle();
    },
    expect: (method, path) => {
      const request = http.expectOne((r) => r.method === method && r.url === path, `${method} ${path}`);
      expect(request.request.headers.get('Authorization')).toBe('Bearer secret');
      return request;
    },
  };
  return fixture;
}

/** Opens `/console/drops/1` and answers its first reads (product, summary, the first orders page). */
export async function openDropPage(
  options: { product?: AdminProduct; summary?: DropSummary; orders?: OrdersPage } = {},
): Promise<DropPageFixture> {
  const fixture = await visitDropPage();
  const { settle } = fixture;
  fixture.expect('GET', '/admin/products/1').flush(options.product ?? PRODUCT);
  fixture.expect('GET', '/admin/products/1/summary').flush(options.summary ?? SUMMARY);
  await settle();
  fixture.expect('GET', '/admin/products/1/orders').flush(options.orders ?? ordersPage(1, 3, null));
  await settle();
  return fixture;
}
