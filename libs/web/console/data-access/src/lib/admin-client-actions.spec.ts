import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { AdminClient } from './admin-client';

describe('AdminClient', () => {
  let admin: AdminClient;
  let http: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [AdminClient, provideHttpClient(), provideHttpClientTesting()],
    });
    admin = TestBed.inject(AdminClient);
    http = TestBed.inject(HttpTestingController);
  });
  afterEach(() => http.verify());

  it('reads a drop, its summary and its orders a page at a time', () => {
    admin.getProduct(3).subscribe();
    http.expectOne({ method: 'GET', url: '/admin/products/3' }).flush({});
    admin.summary(3).subscribe();
    http.expectOne({ method: 'GET', url: '/admin/products/3/summary' }).flush({});
    admin.orders(3, 50, null).subscribe();
    expect(http.expectOne((r) => r.url === '/admin/products/3/orders').request.urlWithParams).toBe(
      '/admin/products/3/orders?limit=50',
    );
    admin.orders(3, 50, 'abc_-').subscribe();
    expect(http.expectOne((r) => r.url === '/admin/products/3/orders').request.urlWithParams).toBe(
      '/admin/products/3/orders?limit=50&after=abc_-',
    );
  });

  it('pauses, resumes and restocks with the bodies the API takes', () => {
    admin.pause(3).subscribe();
    expect(http.expectOne({ method: 'POST', url: '/admin/products/3/pause' }).request.body).toBeNull();
    admin.resume(3).subscribe();
    expect(http.expectOne({ method: 'POST', url: '/admin/products/3/resume' }).request.body).toBeNull();
    admin.restock(3, { mode: 'set', quantity: 7 }).subscribe();
    expect(http.expectOne({ method: 'POST', url: '/admin/products/3/restock' }).request.body).toEqual({
      mode: 'set',
      quantity: 7,
    });
  });

  it('cancels an order by its id, escaped into the path', () => {
    admin.cancelOrder('a/b c').subscribe();
    http.expectOne({ method: 'POST', url: '/admin/orders/a%2Fb%20c/cancel' }).flush({});
  });

  it('exports the orders as a blob', () => {
    admin.exportOrders(3).subscribe();
    const request = http.expectOne({ method: 'GET', url: '/admin/products/3/orders/export' });
    expect(request.request.responseType).toBe('blob');
    request.flush(new Blob(['x']));
  });
});
