import { useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { screenshot, waitForText } from './support/page';

describe('API outage', () => {
  const web = useStorefront([GOLDEN_TICKET], { page: 'shared' });

  it('shows "Reconnecting…" while the API is down and recovers by itself when it is back', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    const count = page.getByTestId('stock-count');
    expect((await api.buy(1, 3)).status).toBe(201);
    await waitForText(count, '97 left');
    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 1));

    await api.stop();
    const reconnecting = page.getByTestId('stock-reconnecting');
    await waitForText(reconnecting, /Reconnecting…/);
    // No stale number while the count is unknown; the loss is said once, politely.
    expect(await count.count()).toBe(0);
    const announcement = page.getByTestId('stock-announcement');
    await waitForText(announcement, 'Connection lost. Reconnecting to the store…');
    await screenshot(page, 'drop-reconnecting');

    // Same port, same SQLite file: the sale made before the outage is still there.
    await api.start();
    expect(await api.available(1)).toBe(97);
    expect((await api.buy(1, 1)).status).toBe(201);

    // Back-off is capped at 10 s, so the page finds the API again within that.
    await waitForText(count, '96 left', 25_000);
    expect(await reconnecting.count()).toBe(0);
    // The return is said with the count then (the sale above may land before or after it).
    await waitForText(announcement, /^\s*Reconnected\. 9[67] left\.\s*$/);
    expect(await page.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(1);
    await screenshot(page, 'drop-recovered');
  });
});
