import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Product } from '@gtd/shared-contracts';
import { Catalogue } from './catalogue';

const product = (id: number, extra: Partial<Product> = {}): Product => ({
  id,
  name: `Product ${id}`,
  description: `About ${id}`,
  price: 5000,
  currency: 'EUR',
  stock: 100,
  available: 50,
  maxQuantityPerPurchase: 5,
  startsAt: null,
  endsAt: null,
  perBuyerLimit: null,
  state: extra.available === 0 ? 'sold_out' : 'live',
  ...extra,
});

describe('Catalogue', () => {
  let fixture: ComponentFixture<Catalogue>;
  let http: HttpTestingController;
  let el: HTMLElement;
  const render = () => {
    TestBed.tick();
    fixture.detectChanges();
  };

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), provideRouter([])],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(Catalogue);
    el = fixture.nativeElement;
    render();
  });

  afterEach(() => http.verify());

  it('features the Golden Ticket and lists the other drops', () => {
    http
      .expectOne('/products')
      .flush([product(2), product(1, { name: 'Golden Ticket', available: 7 }), product(3, { available: 0 })]);
    render();
    const featured = el.querySelector('[data-testid="featured-drop"]');
    expect(featured?.querySelector('h2')?.textContent).toBe('Golden Ticket');
    expect(featured?.textContent).toContain('€50.00');
    expect(featured?.textContent).toContain('7 of 100 left');
    expect(featured?.querySelector('[data-testid="featured-link"]')?.getAttribute('href')).toBe('/drops/1');

    const cards = el.querySelectorAll('[data-testid="product-card"]');
    expect([...cards].map((c) => c.querySelector('h3')?.textContent?.trim())).toEqual([
      'Product 2',
      'Product 3',
    ]);
    expect(cards[1].textContent).toContain('Sold out');
  });

  it("shows every drop's state as a badge, when an upcoming one opens, and per-buyer limits", () => {
    http
      .expectOne('/products')
      .flush([
        product(1, { state: 'upcoming', startsAt: '2030-01-01T10:00:00.000Z', perBuyerLimit: 2 }),
        product(2),
        product(3, { state: 'paused' }),
        product(4, { available: 0 }),
        product(5, { state: 'ended', endsAt: '2020-01-01T10:00:00.000Z' }),
        product(6, { state: 'upcoming', startsAt: '2030-02-01T10:00:00.000Z' }),
      ]);
    render();
    const featured = el.querySelector('[data-testid="featured-drop"]') as HTMLElement;
    expect(featured.querySelector('[data-testid="drop-state"]')?.textContent?.trim()).toBe('Upcoming');
    expect(featured.querySelector('[data-testid="opens-at"] time')?.getAttribute('datetime')).toBe(
      '2030-01-01T10:00:00.000Z',
    );
    expect(featured.querySelector('[data-testid="opens-at"]')?.textContent).toMatch(/Opens .*Jan/);
    expect(featured.querySelector('[data-testid="per-buyer-limit"]')?.textContent?.trim()).toBe(
      'Limit 2 per buyer',
    );
    expect(featured.textContent).not.toContain('left');

    const cards = [...el.querySelectorAll('[data-testid="product-card"]')];
    expect(cards.map((c) => c.querySelector('[data-testid="drop-state"]')?.textContent?.trim())).toEqual([
      'Live',
      'Paused',
      'Sold out',
      'Ended',
      'Upcoming',
    ]);
    expect(cards[0].textContent).toContain('50 left');
    expect(cards[1].textContent).not.toContain('left');
    expect(cards[4].querySelector('[data-testid="opens-at"]')?.textContent).toMatch(/Opens .*Feb/);
    expect(cards[4].querySelector('[data-testid="per-buyer-limit"]')).toBeNull();
  });

  it('offers to try again when the catalogue cannot be loaded', () => {
    http.expectOne('/products').error(new ProgressEvent('error'));
    render();
    const error = el.querySelector('[data-testid="catalogue-error"]');
    expect(error?.getAttribute('role')).toBe('alert');
    error?.querySelector('button')?.click();
    render();
    http.expectOne('/products').flush([product(1)]);
    render();
    expect(el.querySelector('[data-testid="featured-drop"]')).not.toBeNull();
  });

  it('keeps the counts when a poll fails, says what time they are from, and recovers', () => {
    jest.useFakeTimers({ now: new Date('2026-12-02T14:02:10') });
    fixture.destroy();
    http.match('/products');
    fixture = TestBed.createComponent(Catalogue);
    el = fixture.nativeElement;
    render();
    const q = (id: string) => el.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? null;
    http.expectOne('/products').flush([product(1, { available: 7 })]);
    render();
    expect(q('catalogue-stale')).toBeNull();

    jest.advanceTimersByTime(10_000);
    http.expectOne('/products').error(new ProgressEvent('error'));
    render();
    expect(q('catalogue-stale')).toMatch(/^Counts from 2:02:10\s?PM, reconnecting…$/);
    expect(el.querySelector('[data-testid="catalogue-freshness"]')?.getAttribute('role')).toBe('status');
    expect(q('featured-drop')).toContain('7 of 100 left');
    expect(q('catalogue-recovered')).toBeNull();

    jest.advanceTimersByTime(10_000);
    http.expectOne('/products').flush([product(1, { available: 5 })]);
    render();
    expect(q('catalogue-stale')).toBeNull();
    expect(q('featured-drop')).toContain('5 of 100 left');
    expect(q('catalogue-recovered')).toBe('Reconnected: the counts are current again.');
    fixture.destroy();
    jest.useRealTimers();
  });

  it('says so when there is nothing on sale', () => {
    http.expectOne('/products').flush([]);
    render();
    expect(el.querySelector('[data-testid="catalogue-empty"]')).not.toBeNull();
  });
});
