import { Browser, Page } from 'playwright-core';
import { ApiServer, GOLDEN_TICKET } from './support/api-server';
import { launchChromium, openPage, screenshot, waitForText, watchErrors } from './support/browser';

/** The storefront served by the API on Fastify (HTTP_ADAPTER=fastify) behaves as on Express. */
describe('storefront served on Fastify', () => {
  let api: ApiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    api = await ApiServer.launch([{ ...GOLDEN_TICKET, stock: 7 }], { HTTP_ADAPTER: 'fastify' });
    browser = await launchChromium();
    page = await openPage(browser);
  });

  afterAll(async () => {
    await page?.close();
    await browser?.close();
    await api?.dispose();
  });

  it('opens a deep link, shows the live count, sells, and follows a sale made elsewhere', async () => {
    const errors = watchErrors(page);
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), '7 left');

    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('success');
    await waitForText(page.getByTestId('stock-count'), '6 left');

    expect((await api.buy(1, 2)).status).toBe(201);
    await waitForText(page.getByTestId('stock-count'), '4 left');
    expect(await api.available(1)).toBe(4);
    expect(errors).toEqual([]);
    await screenshot(page, 'fastify-drop-live');
  });
});
