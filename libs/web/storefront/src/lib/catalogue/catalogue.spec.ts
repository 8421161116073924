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

  it('says so when there is nothing on sale', () => {
    http.expectOne('/products').flush([]);
    render();
    expect(el.querySelector('[data-testid="catalogue-empty"]')).not.toBeNull();
  });
});
