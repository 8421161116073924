import { HttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { BuyerSession, SESSION_STORAGE } from '@gtd/web-data-access';
import { appConfig } from './app.config';

describe('appConfig', () => {
  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [
        ...appConfig.providers,
        provideHttpClientTesting(),
        { provide: SESSION_STORAGE, useValue: null },
      ],
    });
  });

  afterEach(() => TestBed.inject(HttpTestingController).verify());

  it("sends the signed-in buyer's token on purchases (the bearer interceptor is installed)", () => {
    TestBed.inject(BuyerSession).start({
      accessToken: 'token-1',
      tokenType: 'Bearer',
      expiresIn: 3600,
      buyer: { id: 'b-1', email: 'ada@example.com' },
    });
    TestBed.inject(HttpClient).post('/buy', {}).subscribe();
    const req = TestBed.inject(HttpTestingController).expectOne('/buy');
    expect(req.request.headers.get('Authorization')).toBe('Bearer token-1');

    // Never on the public, CDN-cacheable reads.
    TestBed.inject(HttpClient).get('/products/1/inventory').subscribe();
    const read = TestBed.inject(HttpTestingController).expectOne('/products/1/inventory');
    expect(read.request.headers.has('Authorization')).toBe(false);
  });
});
