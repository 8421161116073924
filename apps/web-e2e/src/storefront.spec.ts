import { ApiRoutes } from '@gtd/shared-contracts';
import { CatalogEntry, useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import type { Page } from 'playwright-core';
import { horizontalOverflow, screenshot, seriousA11yViolations, waitForText } from './support/page';

/** Lets every `POST /buy` through to the API, noting the Idempotency-Key each one carried. */
const passBuysThrough = (page: Page, keys: string[]) =>
  page.route(`**${ApiRoutes.buy}`, (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    return route.continue();
  });

const SNEAKERS: CatalogEntry = {
  id: 2,
  name: 'Midnight Runner sneakers',
  description: 'Limited-edition trainers in reflective black, numbered and boxed.',
  price: 18900,
  currency: 'EUR',
  stock: 250,
};

const CONCERT: CatalogEntry = {
  id: 3,
  name: 'Front-row concert pass',
  description: 'Standing spot at the barrier for the farewell show.',
  price: 12500,
  currency: 'EUR',
  stock: 3,
};

describe('storefront (production build served by the API)', () => {
  const web = useStorefront([GOLDEN_TICKET, SNEAKERS, CONCERT]);

  it('shows the catalogue with the Golden Ticket featured', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/`);
    const featured = page.getByTestId('featured-drop');
    await waitForText(featured.locator('h2'), 'Golden Ticket');
    expect(await featured.textContent()).toContain('€50.00');
    expect(await page.getByTestId('product-card').count()).toBe(2);
    expect(await page.title()).toBe('Golden Ticket Drop');
    await screenshot(page, 'catalogue-desktop');

    await page.getByTestId('featured-link').click();
    await page.waitForURL('**/drops/1');
    await waitForText(page.getByTestId('product-name'), 'Golden Ticket');
    expect(errors).toEqual([]);
  });

  it('shows the count the API reports, and a purchase made elsewhere without a reload', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    const count = page.getByTestId('stock-count');
    await waitForText(count, `${await api.available(1)} left`);
    expect(await page.getByTestId('product-price').textContent()).toBe('€50.00');
    await screenshot(page, 'drop-live');

    // Mark this document: if the page reloaded, the mark would be gone.
    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 1));
    const before = await api.available(1);
    const elsewhere = await api.buy(1, 3);
    expect(elsewhere.status).toBe(201);

    await waitForText(count, `${before - 3} left`);
    expect(await page.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(1);
    expect(errors).toEqual([]);
  });

  it('Buy now: success message with the order id, and the count drops by the quantity', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    const count = page.getByTestId('stock-count');
    const before = await api.available(1);
    await waitForText(count, `${before} left`);

    await page.getByTestId('quantity').selectOption('2');
    await page.getByTestId('buy-button').click();

    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('success');
    expect(await message.textContent()).toContain('You bought 2 × “Golden Ticket”');
    const orderId = (await page.getByTestId('order-id').textContent())?.trim();
    expect(orderId).toBeTruthy();
    expect(await api.order(orderId as string)).toMatchObject({
      orderId,
      productId: 1,
      quantity: 2,
    });

    await waitForText(count, `${before - 2} left`);
    expect(await api.available(1)).toBe(before - 2);
    await screenshot(page, 'drop-success');
    expect(errors).toEqual([]);
  });

  it('is keyboard operable with a visible focus', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    const before = await api.available(1);
    await waitForText(page.getByTestId('stock-count'), `${before} left`);

    let focused: string | null = null;
    for (let i = 0; i < 20 && focused !== 'buy-button'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
    }
    expect(focused).toBe('buy-button');
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline.style).not.toBe('none');
    expect(parseFloat(outline.width)).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'drop-keyboard-focus');

    await page.keyboard.press('Enter');
    await page.getByTestId('order-id').waitFor();
    await waitForText(page.getByTestId('stock-count'), `${before - 1} left`);
  });

  it('says how many are left when a buyer asks for more than that', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/3`);
    await waitForText(page.getByTestId('stock-count'), '3 left');
    // This page keeps showing 3 while another buyer takes 2.
    await page.route(`**${ApiRoutes.inventory(3)}`, (route) =>
      route.fulfill({ json: { productId: 3, available: 3, state: 'live', pollAfterMs: 1000 } }),
    );
    expect((await api.buy(3, 2)).status).toBe(201);

    await page.getByTestId('quantity').selectOption('3');
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('insufficient-stock');
    expect(await message.textContent()).toContain('You asked for 3, but only 1 is left');
    await page.unroute(`**${ApiRoutes.inventory(3)}`);
    await waitForText(page.getByTestId('stock-count'), '1 left');
    await screenshot(page, 'drop-insufficient-stock');
    expect(await api.available(3)).toBe(1);
  });

  it('after a network failure Buy now re-sends the same order, and it goes through', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    const before = await api.available(1);
    await waitForText(page.getByTestId('stock-count'), `${before} left`);

    await page.route(`**${ApiRoutes.buy}`, (route) => route.abort('connectionrefused'));
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('network');
    await screenshot(page, 'drop-network-failure');
    expect(await api.available(1)).toBe(before);

    await page.unroute(`**${ApiRoutes.buy}`);
    await page.getByTestId('buy-button').click(); // now "Try again — same order"
    await page.getByTestId('order-id').waitFor();
    await waitForText(page.getByTestId('stock-count'), `${before - 1} left`);
  });

  it('retries a purchase whose answer was lost with the same Idempotency-Key: one order, sold once', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    const before = await api.available(1);
    await waitForText(page.getByTestId('stock-count'), `${before} left`);

    // The request reaches the API and sells, but the answer never reaches the page.
    const keys: string[] = [];
    await page.route(`**${ApiRoutes.buy}`, async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await waitForText(message.locator('.message__title'), 'Could not reach the store');
    expect(await api.available(1)).toBe(before - 1);

    await page.unroute(`**${ApiRoutes.buy}`);
    await passBuysThrough(page, keys);
    await page.getByTestId('buy-button').click(); // now "Try again — same order"
    await page.getByTestId('order-id').waitFor();
    await page.unroute(`**${ApiRoutes.buy}`);

    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    // The retry was answered with the first sale, not a second one.
    expect(await api.available(1)).toBe(before - 1);
    const orderId = (await page.getByTestId('order-id').textContent())?.trim() as string;
    expect(await api.order(orderId)).toMatchObject({ productId: 1, quantity: 1 });
    await waitForText(page.getByTestId('stock-count'), `${before - 1} left`);

    // A new press of Buy now is a new attempt with a new key.
    await passBuysThrough(page, keys);
    await page.getByTestId('buy-button').click();
    await waitForText(page.getByTestId('stock-count'), `${before - 2} left`);
    await page.unroute(`**${ApiRoutes.buy}`);
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
  });

  it('after a 503 that may hide a sale, retries the same order: one unit sold, not two', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    await page.getByTestId('stock-count').waitFor();
    const before = await api.available(1);
    const keys: string[] = [];
    // The store sold, then its answer was lost behind a fault: the API says UNKNOWN.
    await page.route(`**${ApiRoutes.buy}`, async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      await route.fetch();
      await route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        headers: { 'Retry-After': '2' },
        json: {
          type: 'urn:golden-ticket-drop:problem:service-unavailable',
          title: 'Service unavailable',
          status: 503,
          detail: 'The store did not confirm this purchase; it may have been made.',
          code: 'SERVICE_UNAVAILABLE',
          purchase: 'UNKNOWN',
          retryAfterSeconds: 2,
        },
      });
    });
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('server');
    expect(await message.textContent()).toContain('Something went wrong on our side');
    expect(await message.textContent()).toContain('may have gone through');
    await screenshot(page, 'drop-server-error');

    await page.unroute(`**${ApiRoutes.buy}`);
    await passBuysThrough(page, keys);
    await page.getByTestId('buy-button').click(); // now "Try again — same order"
    await page.getByTestId('order-id').waitFor();
    await page.unroute(`**${ApiRoutes.buy}`);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await api.available(1)).toBe(before - 1);
  });

  it('shows a clear not-found page for an unknown drop', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/999`);
    const notFound = page.getByTestId('not-found');
    await notFound.waitFor();
    expect(await notFound.textContent()).toContain('This drop does not exist');
    await screenshot(page, 'drop-not-found');
  });

  it.each([
    ['catalogue', '/', 'featured-drop'],
    ['drop', '/drops/1', 'stock-count'],
    ['not-found', '/drops/999', 'not-found'],
    ['sign-in', '/sign-in?returnUrl=%2Fdrops%2F1', 'auth-form'],
  ])('has no horizontal overflow at 360 px (%s)', async (name, path, ready) => {
    const { api, page } = web;
    await page.setViewportSize({ width: 360, height: 780 });
    await page.goto(`${api.baseUrl}${path}`);
    await page.getByTestId(ready).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, `${name}-360px`);
  });

  it('passes an axe-core scan without serious or critical violations', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/`);
    await page.getByTestId('featured-drop').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${api.baseUrl}/drops/1`);
    await page.getByTestId('stock-count').waitFor();
    await page.getByTestId('buy-button').click();
    await page.getByTestId('purchase-message').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`${api.baseUrl}/drops/999`);
    await page.getByTestId('not-found').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('keeps the API routes and deep links apart', async () => {
    const { api, page } = web;
    const html = { accept: 'text/html,application/xhtml+xml' };
    const deepLink = await fetch(`${api.baseUrl}/drops/1`, { headers: html });
    expect(deepLink.status).toBe(200);
    expect(await deepLink.text()).toContain('<app-root');
    const products = await fetch(`${api.baseUrl}${ApiRoutes.products}`, { headers: html });
    expect(products.headers.get('content-type')).toContain('json');

    // A reload on a deep link lands on the same drop.
    await page.goto(`${api.baseUrl}/drops/1`);
    await page.getByTestId('stock-count').waitFor();
    await page.reload();
    await waitForText(page.getByTestId('product-name'), 'Golden Ticket');
  });
});
