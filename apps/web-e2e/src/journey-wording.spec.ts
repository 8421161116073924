import { CatalogEntry, useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { a11yViolations, screenshot, waitForText } from './support/page';

const PASSWORD = 'correct horse battery staple';

/** A name that breaks "Every {name} has been claimed" and "{name} is limited". */
const SNEAKERS: CatalogEntry = {
  id: 2,
  name: 'Every Last pair sneakers',
  description: 'The final run of the factory’s trainers.',
  price: 18900,
  currency: 'EUR',
  stock: 6,
  perBuyerLimit: 4,
};

/** Seconds that cannot be mistaken for a rounded minute. */
const at = (fromNowMs: number) => {
  const date = new Date(Date.now() + fromNowMs);
  date.setUTCSeconds(17, 0);
  return date.toISOString();
};

describe('journey: wording', () => {
  const SOON = { ...GOLDEN_TICKET, id: 3, name: 'Soon pass', startsAt: at(30 * 60_000) };
  const LATER = { ...GOLDEN_TICKET, id: 4, name: 'Later pass', startsAt: at(3 * 60 * 60_000) };
  const web = useStorefront([GOLDEN_TICKET, SNEAKERS, SOON, LATER]);

  it('one coherent limit, the allowance left, and sentences that read for an odd name', async () => {
    const { api, page, errors } = web;
    await api.register('eve@example.com', PASSWORD);
    await page.goto(`${api.baseUrl}/drops/2`);
    await waitForText(page.getByTestId('per-buyer-limit'), 'Limit 4 per buyer');
    const limit = page.getByTestId('limit-text');
    // The per-order maximum (10) is more than a buyer may hold: it is not said.
    await waitForText(limit, 'Up to 4 per buyer, in one order or several.');
    expect(await page.locator('body').textContent()).not.toContain('Up to 10 per order');
    expect(await page.getByTestId('buy-reason').textContent()).toContain('Limited to 4 per buyer');
    expect(await a11yViolations(page)).toEqual([]);

    await page.getByTestId('buy-button').click();
    await page.waitForURL('**/sign-in?returnUrl=%2Fdrops%2F2');
    await page.getByTestId('email').fill('eve@example.com');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await page.waitForURL('**/drops/2');
    await waitForText(page.getByTestId('buy-button'), 'Buy now');
    expect(await page.getByTestId('quantity').locator('option').allTextContents()).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);

    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await waitForText(message.locator('.message__title'), 'You got it! Order confirmed.');
    expect(await message.textContent()).toContain('You bought 1 × “Every Last pair sneakers”.');
    await waitForText(limit, 'You hold 1 unit and can buy 3 more: the limit is 4 per buyer.');
    await waitForText(page.getByTestId('stock-count'), '5 left');
    expect(await page.getByTestId('quantity').locator('option').allTextContents()).toEqual(['1', '2', '3']);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-limit-allowance');

    // Sold out elsewhere: the sentence does not start "Every Every …".
    // (Signed-in buyers only, at most 4 each.)
    const bo = await api.register('bo@example.com', PASSWORD);
    const cy = await api.register('cy@example.com', PASSWORD);
    expect((await api.buy(2, 4, bo.accessToken)).status).toBe(201);
    expect((await api.buy(2, 1, cy.accessToken)).status).toBe(201);
    await waitForText(page.getByTestId('stock-count'), 'Sold out');
    await waitForText(
      page.getByTestId('buy-reason'),
      'Every unit of “Every Last pair sneakers” has been claimed.',
    );
    expect(await page.locator('body').textContent()).not.toContain('Every Every');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-odd-name-sold-out');
    expect(errors).toEqual([]);
  });

  it('shows an opening less than an hour away to the second, a later one to the minute', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/3`);
    await waitForText(page.getByTestId('opens-at'), /\d{1,2}:\d{2}:17/);
    expect(await page.getByTestId('buy-reason').textContent()).toMatch(/Buying opens .*\d:\d{2}:17/);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-opens-to-the-second');

    await page.goto(`${api.baseUrl}/drops/4`);
    await page.getByTestId('opens-at').waitFor();
    expect(await page.getByTestId('opens-at').textContent()).not.toMatch(/:17/);

    // The home page, too.
    await page.goto(`${api.baseUrl}/`);
    const cards = page.getByTestId('product-card');
    await waitForText(cards.filter({ hasText: 'Soon pass' }).getByTestId('opens-at'), /\d:\d{2}:17/);
    expect(await cards.filter({ hasText: 'Later pass' }).getByTestId('opens-at').textContent()).not.toMatch(
      /:17/,
    );
    expect(await a11yViolations(page)).toEqual([]);
  });

  it('gives the not-found page its heading, which the address cannot rewrite', async () => {
    const { api, page } = web;
    const reply = await page.goto(`${api.baseUrl}/no/such/page?heading=Free%20tickets`);
    expect(reply?.status()).toBe(404);
    const heading = page.getByRole('heading', { level: 1 });
    await waitForText(heading, 'Page not found');
    expect(await page.locator('body').textContent()).not.toContain('Free tickets');
    expect(await page.title()).toBe('Page not found · Golden Ticket Drop');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'journey-not-found');
  });
});
