import { useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { a11yViolations, recordRegion, screenshot, waitForText } from './support/page';

/** "Counts from 14:02:10, reconnecting…" in the browser's locale (en-US: "2:02:10 PM"). */
const STALE = /^\s*Counts from \d{1,2}:\d{2}:\d{2}(\s?[AP]M)?, reconnecting…\s*$/;

/**
 * The API goes away and comes back (same port, same SQLite file) while a page is open: the drop
 * page that could not load and the home page's counts recover by themselves. The live count's own
 * reconnect is reconnect.spec.ts.
 */
describe('journey: recovery after an outage', () => {
  const web = useStorefront([GOLDEN_TICKET], { page: 'shared' });

  afterEach(async () => {
    // Leave the API up for the next test, whatever happened.
    await web.api.start().catch(() => undefined);
  });

  it('"could not load this drop" retries by itself, then shows the drop and says it is back', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/`);
    await page.getByTestId('featured-link').waitFor();

    await api.stop();
    // In-app navigation: the page is loaded, the API is not there to answer for the drop.
    await page.getByTestId('featured-link').click();
    const error = page.getByTestId('drop-error');
    await error.waitFor();
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await error.textContent()).toContain('keeps trying by itself');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-drop-error-retrying');
    const connection = await recordRegion(page, 'drop-connection');

    await api.start();
    // Back-off is capped at 10 s: no press of Try again now is needed.
    await waitForText(page.getByTestId('product-name'), 'Golden Ticket', 25_000);
    await waitForText(page.getByTestId('stock-count'), /\d+ left/);
    expect(await error.count()).toBe(0);
    expect(await connection()).toEqual(['Connected again: the drop is back.']);
    expect(await page.getByTestId('drop-connection').getAttribute('role')).toBe('status');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-drop-recovered');
  });

  it('the home page says its counts are stale while the API is away, and recovers', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/`);
    const featured = page.getByTestId('featured-drop');
    const before = await api.available(1);
    await waitForText(featured.locator('.tag--gold'), `${before} of 100 left`);
    const freshness = await recordRegion(page, 'catalogue-freshness');

    await api.stop();
    const stale = page.getByTestId('catalogue-stale');
    // The catalogue is asked for every 10 s; the first failed poll marks the counts.
    await waitForText(stale, STALE, 25_000);
    // The last counts stay, dated, rather than vanish.
    expect(await featured.locator('.tag--gold').textContent()).toBe(`${before} of 100 left`);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-catalogue-stale');

    await api.start();
    expect((await api.buy(1, 2)).status).toBe(201);
    await waitForText(featured.locator('.tag--gold'), `${before - 2} of 100 left`, 30_000);
    expect(await stale.count()).toBe(0);
    expect(await freshness()).toEqual([
      expect.stringMatching(STALE),
      'Reconnected: the counts are current again.',
    ]);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-catalogue-recovered');
  });
});
