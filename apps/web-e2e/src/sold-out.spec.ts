import { ApiRoutes } from '@gtd/shared-contracts';
import { StorefrontApi, useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { screenshot, seriousA11yViolations, waitForText } from './support/page';

describe('sold out', () => {
  const web = useStorefront([{ ...GOLDEN_TICKET, stock: 5 }]);

  it('answers a buyer who lost the race with a sold-out message', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), '5 left');

    // Freeze this page's view at "2 left" so it still offers Buy now, then sell out elsewhere.
    await page.route(`**${ApiRoutes.inventory(1)}`, (route) =>
      route.fulfill({ json: { productId: 1, available: 2, state: 'live', pollAfterMs: 1000 } }),
    );
    await waitForText(page.getByTestId('stock-count'), '2 left');
    expect((await api.buy(1, 5)).status).toBe(201);

    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('sold-out');
    expect(await message.textContent()).toContain('Sold out');
    await page.unroute(`**${ApiRoutes.inventory(1)}`);

    await waitForText(page.getByTestId('stock-count'), 'Sold out');
    expect(await page.getByTestId('buy-button').isDisabled()).toBe(true);
    await screenshot(page, 'drop-sold-out-answer');
  });

  it('says sold out and disables Buy now when the stock is gone', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), 'Sold out');
    const button = page.getByTestId('buy-button');
    expect(await button.isDisabled()).toBe(true);
    expect((await button.textContent())?.trim()).toBe('Sold out');
    expect(await page.getByTestId('quantity').isDisabled()).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'drop-sold-out');
  });

  it('shows a sell-out that happens while the page is open', async () => {
    const { page } = web;
    const fresh = await StorefrontApi.launch([{ ...GOLDEN_TICKET, stock: 4 }]);
    try {
      await page.goto(`${fresh.baseUrl}/drops/1`);
      await waitForText(page.getByTestId('stock-count'), '4 left');
      expect(await page.getByTestId('buy-button').isDisabled()).toBe(false);

      expect((await fresh.buy(1, 4)).status).toBe(201);
      await waitForText(page.getByTestId('stock-count'), 'Sold out');
      expect(await page.getByTestId('buy-button').isDisabled()).toBe(true);
    } finally {
      await fresh.dispose();
    }
  });
});
