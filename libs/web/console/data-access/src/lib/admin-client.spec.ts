import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { QueueSettings } from '@gtd/shared-contracts';
import { AdminClient } from './admin-client';

describe('AdminClient', () => {
  let http: HttpTestingController;
  let admin: AdminClient;

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(), provideHttpClientTesting(), AdminClient],
    });
    http = TestBed.inject(HttpTestingController);
    admin = TestBed.inject(AdminClient);
  });

  afterEach(() => http.verify());

  it('reads, creates and changes drops on their operator routes', () => {
    admin.getProduct(4).subscribe();
    http.expectOne({ method: 'GET', url: '/admin/products/4' }).flush({});
    admin.createProduct({ name: 'A', price: 1, currency: 'EUR', stock: 1 }).subscribe();
    expect(http.expectOne({ method: 'POST', url: '/admin/products' }).request.body).toEqual({
      name: 'A',
      price: 1,
      currency: 'EUR',
      stock: 1,
    });
    admin.updateProduct(4, { endsAt: null }).subscribe();
    expect(http.expectOne({ method: 'PATCH', url: '/admin/products/4' }).request.body).toEqual({
      endsAt: null,
    });
  });

  it('reads and replaces a drop’s waiting room', () => {
    admin.getQueue(4).subscribe();
    http.expectOne({ method: 'GET', url: '/admin/products/4/queue' }).flush({});
    const settings = { enabled: true } as QueueSettings;
    admin.putQueue(4, settings).subscribe();
    expect(http.expectOne({ method: 'PUT', url: '/admin/products/4/queue' }).request.body).toBe(settings);
  });

  it('sends the audit log’s filters that are set, and only those', () => {
    admin.auditLog({ productId: 2, action: '', before: undefined, limit: 51 }).subscribe();
    const request = http.expectOne((r) => r.url === '/admin/audit');
    expect(request.request.urlWithParams).toBe('/admin/audit?productId=2&limit=51');
    admin.auditLog().subscribe();
    expect(http.expectOne('/admin/audit').request.params.keys()).toEqual([]);
  });
});
