import { useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { screenshot, waitForText } from './support/page';

/** BUY_RATE_LIMIT on: the page says how long to wait (from Retry-After) and rests Buy now. */
describe('rate-limited purchases', () => {
  const web = useStorefront([GOLDEN_TICKET], { env: { BUY_RATE_LIMIT: '2' }, page: 'shared' });

  it('answers the attempt over the limit with "Too many attempts" and the seconds to wait', async () => {
    const { api, page } = web;
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
