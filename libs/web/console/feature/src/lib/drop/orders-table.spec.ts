import { HttpParams } from '@angular/common/http';
import { problem } from '@gtd/web-data-access/testing';
import { DropPageFixture, openDropPage, order, ordersPage, SUMMARY } from './drop-page.testing';
import { ORDERS_PAGE_SIZE } from './orders-table';

const query = (params: HttpParams) => Object.fromEntries(params.keys().map((k) => [k, params.get(k)]));

describe('OrdersTable (on the drop page)', () => {
  let page: DropPageFixture;

  afterEach(() => page?.http.verify());

  const rows = () => page.all('order-row');
  const statusOf = (orderId: string) =>
    page.root.querySelector<HTMLElement>(`[data-order-id="${orderId}"] [data-testid="order-status"]`)
      ?.dataset['value'];

  it('pages forward by cursor and back through the cursors it was read with', async () => {
    page = await openDropPage({ orders: ordersPage(1, ORDERS_PAGE_SIZE, 'c-50') });
    expect(rows()).toHaveLength(50);
    expect(rows()[0].textContent).toContain('o-1');
    expect((page.q('orders-previous') as HTMLButtonElement).disabled).toBe(true);

    await page.click('orders-next');
    const second = page.expect('GET', '/admin/products/1/orders');
    expect(query(second.request.params)).toEqual({ limit: '50', after: 'c-50' });
    second.flush(ordersPage(51, ORDERS_PAGE_SIZE, 'c-100'));
    await page.settle();
    await page.click('orders-next');
    const third = page.expect('GET', '/admin/products/1/orders');
    expect(query(third.request.params)).toEqual({ limit: '50', after: 'c-100' });
    third.flush(ordersPage(101, 7, null));
    await page.settle();
    expect(rows()).toHaveLength(7);
    expect((page.q('orders-next') as HTMLButtonElement).disabled).toBe(true);

    await page.click('orders-previous');
    const back = page.expect('GET', '/admin/products/1/orders');
    expect(query(back.request.params)).toEqual({ limit: '50', after: 'c-50' });
    back.flush(ordersPage(51, ORDERS_PAGE_SIZE, 'c-100'));
    await page.settle();
    await page.click('orders-previous');
    const first = page.expect('GET', '/admin/products/1/orders');
    expect(query(first.request.params)).toEqual({ limit: '50' });
    first.flush(ordersPage(1, ORDERS_PAGE_SIZE, 'c-50'));
    await page.settle();
    expect(rows()[0].textContent).toContain('o-1');
    expect((page.q('orders-previous') as HTMLButtonElement).disabled).toBe(true);
  });

  it('keeps the caption with the rows on screen while the next page is on its way, and pushes one cursor per page', async () => {
    page = await openDropPage({ orders: ordersPage(1, ORDERS_PAGE_SIZE, 'c-50') });
    const caption = () => page.root.querySelector('caption')?.textContent?.trim();
    await page.click('orders-next');
    await page.click('orders-next'); // a second press before the page arrives
    expect(caption()).toBe('Orders, oldest first, page 1');
    expect(page.q('orders-table')?.getAttribute('aria-busy')).toBe('true');
    page.expect('GET', '/admin/products/1/orders').flush(ordersPage(51, 3, null));
    await page.settle();
    expect(caption()).toBe('Orders, oldest first, page 2');
    expect(page.q('orders-table')?.getAttribute('aria-busy')).toBeNull();
    await page.click('orders-previous');
    expect(query(page.expect('GET', '/admin/products/1/orders').request.params)).toEqual({ limit: '50' });
  });

  it('shows each order with its time in UTC on hover, buyer, total and status', async () => {
    page = await openDropPage({ orders: { items: [order(2)], nextCursor: null } });
    const row = rows()[0];
    const cells = Array.from(row.querySelectorAll('th, td')).map((c) => c.textContent?.trim());
    expect(cells[0]).toBe('o-2');
    expect(cells[2]).toBe('b-2');
    expect(cells[3]).toBe('2');
    expect(cells[4]).toMatch(/100/);
    expect(cells[5]).toBe('sold');
    expect(row.querySelector('time')?.getAttribute('title')).toMatch(/10:00:00 UTC$/);
    expect(row.querySelector('time')?.getAttribute('datetime')).toBe('2030-01-01T10:00:00.000Z');
  });

  it('cancels an order after a confirm step, shows it cancelled and reads the figures again', async () => {
    page = await openDropPage();
    const cancel = page.root.querySelector<HTMLButtonElement>(
      '[data-order-id="o-2"] [data-testid="cancel-order"]',
    );
    expect(cancel?.getAttribute('aria-label')).toBe('Cancel order o-2');
    cancel?.click();
    await page.settle();
    page.http.expectNone(() => true);
    expect(document.activeElement).toBe(page.q('cancel-confirm'));
    await page.click('cancel-confirm');
    const sent = page.expect('POST', '/admin/orders/o-2/cancel');
    sent.flush({
      order: order(2, { status: 'cancelled', cancelledAt: '2030-01-01T11:00:00.000Z' }),
      available: 42,
    });
    await page.settle();
    expect(statusOf('o-2')).toBe('cancelled');
    expect(page.root.querySelector('[data-order-id="o-2"] [data-testid="cancel-order"]')).toBeNull();
    expect(page.text('drop-announcement')).toBe('Order o-2 cancelled: 42 available.');
    page.expect('GET', '/admin/products/1/summary').flush({ ...SUMMARY, sold: 58, available: 42 });
    await page.settle();
    expect(page.q('figure-available')?.dataset['value']).toBe('42');
  });

  it('keeps the order when the operator thinks again', async () => {
    page = await openDropPage();
    page.root.querySelector<HTMLButtonElement>('[data-order-id="o-1"] [data-testid="cancel-order"]')?.click();
    await page.settle();
    await page.click('cancel-keep');
    expect(page.q('cancel-confirm')).toBeNull();
    expect(statusOf('o-1')).toBe('sold');
  });

  it('says "already cancelled" on 409 and reads the page again', async () => {
    page = await openDropPage();
    page.root.querySelector<HTMLButtonElement>('[data-order-id="o-3"] [data-testid="cancel-order"]')?.click();
    await page.settle();
    await page.click('cancel-confirm');
    page
      .expect('POST', '/admin/orders/o-3/cancel')
      .flush(problem(409, 'ORDER_ALREADY_CANCELLED'), { status: 409, statusText: 'x' });
    await page.settle();
    expect(page.text('drop-announcement')).toBe('Order o-3 was already cancelled.');
    expect(statusOf('o-3')).toBe('cancelled');
    page.expect('GET', '/admin/products/1/orders').flush({
      items: [order(1), order(2), order(3, { status: 'cancelled', cancelledAt: '2030-01-01T11:00:00.000Z' })],
      nextCursor: null,
    });
    await page.settle();
    expect(statusOf('o-3')).toBe('cancelled');
  });

  it('downloads the CSV fetched as a blob with the bearer, never a URL carrying the token', async () => {
    page = await openDropPage();
    await page.click('export-csv');
    const request = page.expect('GET', '/admin/products/1/orders/export');
    expect(request.request.responseType).toBe('blob');
    expect(request.request.urlWithParams).toBe('/admin/products/1/orders/export');
    const csv = new Blob(['orderId,productId\r\no-1,1\r\n'], { type: 'text/csv' });
    request.flush(csv);
    await page.settle();
    expect(page.saved).toHaveBeenCalledWith(csv, 'drop-1-orders.csv');
    expect(page.text('drop-announcement')).toBe('The orders CSV was downloaded.');
  });

  it('reads the problem out of a failed export (a blob, like its success)', async () => {
    page = await openDropPage({ orders: ordersPage(1, 1, null) });
    await page.click('export-csv');
    page
      .expect('GET', '/admin/products/1/orders/export')
      .flush(new Blob([JSON.stringify(problem(503, 'SERVICE_UNAVAILABLE', { detail: 'Try later' }))]), {
        status: 503,
        statusText: 'x',
      });
    // FileReader answers in a later task.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await page.settle();
    expect(page.saved).not.toHaveBeenCalled();
    expect(page.text('drop-announcement')).toBe('The CSV export failed: Try later');
  });
});
