import { ApiRoutes } from '@gtd/shared-contracts';
import { CatalogEntry, useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { horizontalOverflow, screenshot, seriousA11yViolations, waitForText } from './support/page';

const LIMITED: CatalogEntry = {
  id: 2,
  name: 'Collector’s Golden Ticket',
  description: 'The numbered edition: two per buyer, no more.',
  price: 25000,
  currency: 'EUR',
  stock: 50,
  perBuyerLimit: 2,
};

const PASSWORD = 'correct horse battery staple';

/** Signed-in buyers and a per-buyer limit, against the real API. */
describe('buyers and per-buyer limits', () => {
  const web = useStorefront([GOLDEN_TICKET, LIMITED]);

  async function signInOnPage(email: string, password: string): Promise<void> {
    const { page } = web;
    await page.getByTestId('email').fill(email);
    await page.getByTestId('password').fill(password);
    await page.getByTestId('auth-submit').click();
  }

  it('sign in → buy up to the limit → "limit reached"', async () => {
    const { api, page, errors } = web;
    await api.register('ada@example.com', PASSWORD);

    await page.goto(`${api.baseUrl}/drops/2`);
    await waitForText(page.getByTestId('per-buyer-limit'), 'Limit 2 per buyer');
    const button = page.getByTestId('buy-button');
    await waitForText(button, 'Sign in to buy');
    await button.click();
    await page.waitForURL('**/sign-in?returnUrl=%2Fdrops%2F2');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in');

    await signInOnPage('ada@example.com', 'not the password');
    await waitForText(page.getByTestId('auth-feedback'), /Email or password is wrong/);
    await screenshot(page, 'sign-in-wrong-password');
    await signInOnPage('ada@example.com', PASSWORD);

    // Back on the drop, signed in.
    await page.waitForURL('**/drops/2');
    await waitForText(page.getByTestId('buyer-email'), 'ada@example.com');
    await waitForText(button, 'Buy now');
    // The quantity picker never offers more than the limit.
    expect(await page.getByTestId('quantity').locator('option').allTextContents()).toEqual(['1', '2']);

    // A reload keeps the buyer signed in (sessionStorage keeps the token for this tab).
    await page.reload();
    await waitForText(page.getByTestId('buyer-email'), 'ada@example.com');

    await button.click();
    const message = page.getByTestId('purchase-message');
    await waitForText(message.locator('.message__title'), 'You got it! Order confirmed.');
    const orderId = (await page.getByTestId('order-id').textContent())?.trim() as string;
    expect(await api.order(orderId)).toMatchObject({ productId: 2, quantity: 1 });

    // The same buyer takes a second one elsewhere (another device, same account).
    const token = await page.evaluate(
      () =>
        (JSON.parse(sessionStorage.getItem('gtd.buyer-session') ?? '{}') as { accessToken: string })
          .accessToken,
    );
    expect((await api.buy(2, 1, token)).status).toBe(201);

    // This page does not know: the server says no, and the page says why.
    await button.click();
    await waitForText(message.locator('.message__title'), 'Limit reached');
    expect(await message.getAttribute('data-outcome')).toBe('limit-reached');
    expect(await message.textContent()).toContain('You already hold 2 units of the 2 allowed per buyer');
    await waitForText(button, 'Limit reached');
    expect(await button.isDisabled()).toBe(true);
    expect(await page.getByTestId('buy-reason').textContent()).toBe(
      'You hold 2 units: the limit is 2 per buyer, so you cannot buy more.',
    );
    expect(await api.available(2)).toBe(48);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'drop-limit-reached');

    await page.getByTestId('sign-out').click();
    await waitForText(page.getByTestId('sign-in-link'), 'Sign in');
    await waitForText(button, 'Sign in to buy');
    expect(await page.evaluate(() => sessionStorage.getItem('gtd.buyer-session'))).toBeNull();
    expect(errors).toEqual([]);
  });

  it('registers from the drop page and comes back to it', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/drops/2`);
    await waitForText(page.getByTestId('buy-button'), 'Sign in to buy');
    await page.getByTestId('buy-button').click();
    await page.getByTestId('switch-mode').click();
    await page.waitForURL('**/register?returnUrl=%2Fdrops%2F2');
    await page.getByTestId('email').fill('grace@example.com');
    await page.getByTestId('password').fill(PASSWORD);
    await screenshot(page, 'register');
    await page.getByTestId('auth-submit').click();

    await page.waitForURL('**/drops/2');
    await waitForText(page.getByTestId('buyer-email'), 'grace@example.com');
    await page.getByTestId('quantity').selectOption('2');
    await page.getByTestId('buy-button').click();
    await page.getByTestId('order-id').waitFor();
    // Both units taken: the page knows the limit is reached without asking.
    await waitForText(page.getByTestId('buy-button'), 'Limit reached');
    // The signed-in header still fits a phone.
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'drop-signed-in-360px');
    expect(errors).toEqual([]);
  });

  it('answers an anonymous purchase of a limited drop with AUTH_REQUIRED and a way to sign in', async () => {
    const { api, page } = web;
    const anonymous = await api.buy(2, 1);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body['code']).toBe('AUTH_REQUIRED');

    // The page normally sends the buyer to sign in first; a page that still thinks the drop is
    // open to anyone (here: a stale product answer) gets the server's AUTH_REQUIRED instead.
    await page.route(`**${ApiRoutes.product(2)}`, async (route) => {
      const response = await route.fetch();
      route.fulfill({ response, json: { ...(await response.json()), perBuyerLimit: null } });
    });
    await page.goto(`${api.baseUrl}/drops/2`);
    await waitForText(page.getByTestId('buy-button'), 'Buy now');
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await waitForText(message.locator('.message__title'), 'Sign in to buy');
    await page.getByTestId('purchase-sign-in').click();
    await page.waitForURL('**/sign-in?returnUrl=%2Fdrops%2F2');
  });
});
