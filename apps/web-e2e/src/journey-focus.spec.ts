import { ApiRoutes } from '@gtd/shared-contracts';
import { CatalogEntry, openPage, useStorefront, watchErrors } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { a11yViolations, recordRegion, screenshot, waitForText } from './support/page';

/** Few enough that the count crosses 10 and 1 in a handful of sales. */
const SCARCE: CatalogEntry = { ...GOLDEN_TICKET, id: 2, name: 'Scarce pass', stock: 12 };

/** Where the focus is, by test id. */
const focused = (page: import('playwright-core').Page) =>
  page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);

describe('journey: focus and announcements', () => {
  const web = useStorefront([GOLDEN_TICKET, SCARCE]);

  it('on a phone, Buy now takes the focus to its answer and scrolls it into view', async () => {
    const { api, browser } = web;
    const page = await openPage(browser, { width: 360, height: 640 });
    const errors = watchErrors(page);
    try {
      await page.goto(`${api.baseUrl}/drops/1`);
      await waitForText(page.getByTestId('stock-count'), /\d+ left/);
      expect(await a11yViolations(page)).toEqual([]);

      await page.getByTestId('buy-button').click();
      const message = page.getByTestId('purchase-message');
      await message.waitFor();
      await waitForText(message.locator('.message__title'), 'You got it! Order confirmed.');
      await page.waitForFunction(
        () => document.activeElement?.getAttribute('data-testid') === 'purchase-message',
      );
      // Wholly on screen, not just focused somewhere below the fold.
      const box = await message.boundingBox();
      const height = await page.evaluate(() => window.innerHeight);
      expect(box).not.toBeNull();
      expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
      expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(height);
      // Read where the focus lands, not also pushed from a live region (it would be said twice).
      expect(await message.evaluate((el) => el.closest('[aria-live]'))).toBeNull();
      expect(await a11yViolations(page)).toEqual([]);
      await screenshot(page, 'journey-focus-phone-success');

      // A refusal lands there too: the next answer takes the focus again.
      await page.getByTestId('home-link').focus();
      await page.route(`**${ApiRoutes.buy}`, (route) =>
        route.fulfill({
          status: 409,
          contentType: 'application/problem+json',
          json: { type: 'about:blank', title: 'Sold out', status: 409, code: 'SOLD_OUT', detail: 'Sold out' },
        }),
      );
      await page.getByTestId('buy-button').click();
      await waitForText(message.locator('.message__title'), 'Sold out');
      await page.waitForFunction(
        () => document.activeElement?.getAttribute('data-testid') === 'purchase-message',
      );
      expect(await focused(page)).toBe('purchase-message');
      expect(await a11yViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('says the count politely at 10 left and 1 left, never per poll; sold out as the drop status', async () => {
    const { api, page, errors } = web;
    let polls = 0;
    page.on('request', (request) => {
      if (request.url().endsWith(ApiRoutes.inventory(2))) polls += 1;
    });
    await page.goto(`${api.baseUrl}/drops/2`);
    const count = page.getByTestId('stock-count');
    await waitForText(count, '12 left');
    const region = page.getByTestId('stock-announcement');
    expect(await region.getAttribute('aria-live')).toBe('polite');
    expect(await region.getAttribute('role')).toBe('status');
    const said = await recordRegion(page, 'stock-announcement');
    const stateSaid = await recordRegion(page, 'drop-state-announcement');

    expect((await api.buy(2, 1)).status).toBe(201);
    await waitForText(count, '11 left');
    expect((await api.buy(2, 3)).status).toBe(201);
    await waitForText(count, '8 left');
    expect(await a11yViolations(page)).toEqual([]);
    expect((await api.buy(2, 2)).status).toBe(201);
    await waitForText(count, '6 left');
    expect((await api.buy(2, 5)).status).toBe(201);
    await waitForText(count, '1 left');
    expect((await api.buy(2, 1)).status).toBe(201);
    await waitForText(count, 'Sold out');
    await waitForText(page.getByTestId('drop-state-announcement'), 'Drop status: Sold out.');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-announced-sold-out');

    expect(await said()).toEqual(['Only 8 left.', 'Only 1 left.']);
    expect(await stateSaid()).toEqual(['Drop status: Sold out.']);
    // Every sale above was seen by a poll of its own; two of them crossed a threshold.
    expect(polls).toBeGreaterThanOrEqual(6);
    expect(errors).toEqual([]);
  });
});
