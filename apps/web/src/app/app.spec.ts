import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { App } from './app';
import { appRoutes } from './app.routes';

describe('App', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      imports: [App],
      providers: [
        provideHttpClient(),
        provideHttpClientTesting(),
        provideRouter(appRoutes, withComponentInputBinding()),
      ],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it('renders the storefront shell with the catalogue at /', async () => {
    const harness = await RouterTestingHarness.create('/');
    TestBed.inject(HttpTestingController).expectOne('/products').flush([]);
    harness.detectChanges();
    const root = harness.routeNativeElement?.ownerDocument.body as HTMLElement;
    expect(root.textContent).toContain('Golden Ticket Drop');
    expect(root.querySelector('[data-testid="catalogue-empty"]')).not.toBeNull();
  });

  it('shows a not-found page for unknown addresses', async () => {
    const harness = await RouterTestingHarness.create('/no/such/page');
    expect(
      harness.routeNativeElement?.ownerDocument.querySelector('[data-testid="not-found"]'),
    ).not.toBeNull();
  });

  it('gives the not-found page its heading, which the address cannot change', async () => {
    const harness = await RouterTestingHarness.create('/no/such/page?heading=Free%20tickets&message=x');
    harness.detectChanges();
    const page = harness.routeNativeElement?.ownerDocument.querySelector('[data-testid="not-found"]');
    expect(page?.querySelector('h1')?.textContent?.trim()).toBe('Page not found');
    expect(page?.textContent).not.toContain('Free tickets');
  });
});
