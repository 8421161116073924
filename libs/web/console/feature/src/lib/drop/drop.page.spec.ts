import { TestBed } from '@angular/core/testing';
import { By } from '@angular/platform-browser';
import { Router } from '@angular/router';
import { OperatorSession } from '@gtd/web-console-data-access';
import { problem } from '@gtd/web-data-access/testing';
import {
  DropPageFixture,
  openDropPage,
  PRODUCT,
  StubChart,
  SUMMARY,
  visitConsole,
  visitDropPage,
} from './drop-page.testing';

describe('ConsoleDropPage', () => {
  let page: DropPageFixture;

  afterEach(() => page?.http.verify());

  it('shows the drop, its figures from the summary, and the live chart with the operator token', async () => {
    page = await openDropPage();
    expect(page.text('drop-name')).toBe('Golden Ticket');
    expect(page.text('drop-state')).toBe('live');
    expect(page.q('figure-stock')?.dataset['value']).toBe('100');
    expect(page.q('figure-sold')?.dataset['value']).toBe('60');
    expect(page.q('figure-available')?.dataset['value']).toBe('40');
    expect(page.q('figure-buyers')?.dataset['value']).toBe('20');
    const chart = page.harness.fixture.debugElement.query(By.directive(StubChart))
      .componentInstance as StubChart;
    expect(chart.productId()).toBe(1);
    expect(chart.token()).toBe('secret');
    expect(page.root.querySelectorAll('h2').length).toBeGreaterThanOrEqual(4);
    expect(page.q('edit-drop')?.getAttribute('href')).toBe('/console/drops/1/edit');
  });

  it("is opened from the drops table's link on the drop's name", async () => {
    page = await visitConsole('/console');
    page.expect('GET', '/admin/products').flush([PRODUCT]);
    page.expect('GET', '/admin/products/1/summary').flush(SUMMARY); // the table's Buyers column
    await page.settle();
    const link = page.root.querySelector<HTMLAnchorElement>('th[scope="row"] a');
    expect(link?.textContent?.trim()).toBe('Golden Ticket');
    expect(link?.getAttribute('href')).toBe('/console/drops/1');
    link?.click();
    await page.settle();
    expect(TestBed.inject(Router).url).toBe('/console/drops/1');
    page.expect('GET', '/admin/products/1').flush(PRODUCT);
    page.expect('GET', '/admin/products/1/summary').flush(SUMMARY);
    await page.settle();
    expect(page.text('drop-name')).toBe('Golden Ticket');
    page.http.match((r) => r.url === '/admin/products/1/orders');
  });

  it('pauses, then resumes, with the one button that applies, and reads the figures again after each', async () => {
    page = await openDropPage();
    expect(page.text('pause-toggle')).toBe('Pause');
    await page.click('pause-toggle');
    const pause = page.expect('POST', '/admin/products/1/pause');
    expect(pause.request.body).toBeNull();
    pause.flush({ ...PRODUCT, paused: true, state: 'paused' });
    await page.settle();
    page.expect('GET', '/admin/products/1/summary').flush({ ...SUMMARY, state: 'paused' });
    await page.settle();
    expect(page.text('pause-toggle')).toBe('Resume');
    expect(page.text('drop-state')).toBe('paused');
    expect(page.text('drop-announcement')).toMatch(/^Paused/);

    await page.click('pause-toggle');
    page.expect('POST', '/admin/products/1/resume').flush(PRODUCT);
    await page.settle();
    page.expect('GET', '/admin/products/1/summary').flush(SUMMARY);
    await page.settle();
    expect(page.text('pause-toggle')).toBe('Pause');
    expect(page.text('drop-state')).toBe('live');
    expect(page.text('drop-announcement')).toMatch(/^Resumed/);
  });

  it('says so in the live region when a pause fails, and keeps the state', async () => {
    page = await openDropPage();
    await page.click('pause-toggle');
    page
      .expect('POST', '/admin/products/1/pause')
      .flush(problem(503, 'SERVICE_UNAVAILABLE', { detail: 'The store is down' }), {
        status: 503,
        statusText: 'x',
      });
    await page.settle();
    expect(page.text('drop-announcement')).toBe('Pause failed: The store is down');
    expect(page.text('pause-toggle')).toBe('Pause');
  });

  it('returns to sign-in, signed out, when the live stream refuses the token', async () => {
    page = await openDropPage();
    const chart = page.harness.fixture.debugElement.query(By.directive(StubChart))
      .componentInstance as StubChart;
    chart.unauthorized.emit();
    await page.settle();
    expect(TestBed.inject(OperatorSession).signedIn()).toBe(false);
    expect(page.storage.size).toBe(0);
    expect(TestBed.inject(Router).url).toBe('/console/sign-in?reason=expired');
  });

  it('says there is no such drop on 404, and asks nothing for an id that cannot be one', async () => {
    page = await visitDropPage();
    page.expect('GET', '/admin/products/1').flush(problem(404, 'PRODUCT_NOT_FOUND'), {
      status: 404,
      statusText: 'x',
    });
    await page.settle();
    expect(page.text('drop-not-found')).toBe('There is no drop 1.');
    expect(page.http.match(() => true).every((r) => r.cancelled)).toBe(true);

    TestBed.resetTestingModule();
    page = await visitDropPage('first');
    expect(page.text('drop-not-found')).toBe('There is no drop first.');
  });
});
