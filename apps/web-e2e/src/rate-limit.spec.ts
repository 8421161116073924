import { Browser, Page } from 'playwright-core';
import { ApiServer, GOLDEN_TICKET } from './support/api-server';
import { launchChromium, openPage, screenshot, waitForText } from './support/browser';

/** BUY_RATE_LIMIT on: the page says how long to wait (from Retry-After) and rests Buy now. */
describe('rate-limited purchases', () => {
  let api: ApiServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    api = await ApiServer.launch([GOLDEN_TICKET], { BUY_RATE_LIMIT: '2' });
    browser = await launchChromium();
    page = await openPage(browser);
  });

  afterAll(async () => {
    await browser?.close();
    await api?.dispose();
  });

  it('answers the attempt over the limit with "Too many attempts" and the seconds to wait', async () => {
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), '100 left');
    const button = page.getByTestId('buy-button');
    const message = page.getByTestId('purchase-message');

    for (const left of [99, 98]) {
      await button.click();
      await waitForText(message.locator('.message__title'), 'You got it! Order confirmed.');
      await waitForText(page.getByTestId('stock-count'), `${left} left`);
    }
    await button.click();
    await waitForText(message.locator('.message__title'), 'Too many attempts');
    expect(await message.getAttribute('data-outcome')).toBe('rate-limited');
    expect(await message.textContent()).toMatch(
      /Please wait \d+ seconds? before trying again\. Nothing was bought\./,
    );
    expect(await button.isDisabled()).toBe(true);
    expect(await api.available(1)).toBe(98);
    await screenshot(page, 'drop-rate-limited');
  });
});
