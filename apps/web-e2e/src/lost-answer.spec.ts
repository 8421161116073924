import { ApiRoutes } from '@gtd/shared-contracts';
import { CatalogEntry, StorefrontApi, useStorefront } from '@gtd/testing';
import type { Page } from 'playwright-core';
import { GOLDEN_TICKET } from './support/catalog';
import { screenshot, seriousA11yViolations, waitForText } from './support/page';

const SAME_ORDER = 'Try again — same order';

/** One drop per test, so each one's totals are its own. */
const drop = (id: number, stock: number): CatalogEntry => ({
  ...GOLDEN_TICKET,
  id,
  name: `Golden Ticket ${id}`,
  stock,
});

/** What the operator's summary says was sold of a drop, and in how many orders. */
async function sales(api: StorefrontApi, productId: number): Promise<{ sold: number; orders: number }> {
  const { status, body } = await api.admin('GET', ApiRoutes.admin.summary(productId));
  expect(status).toBe(200);
  return { sold: body['sold'] as number, orders: body['orders'] as number };
}

/**
 * Every `POST /buy` reaches the API (which sells), but its answer is cut before the page gets it.
 * Returns the keys sent and the order ids the API answered with.
 */
async function cutAnswers(page: Page): Promise<{ keys: string[]; orderIds: string[] }> {
  const seen = { keys: [] as string[], orderIds: [] as string[] };
  await page.route(`**${ApiRoutes.buy}`, async (route) => {
    seen.keys.push(route.request().headers()['idempotency-key']);
    const response = await route.fetch();
    seen.orderIds.push(((await response.json()) as { orderId: string }).orderId);
    await route.abort('connectionreset');
  });
  return seen;
}

/** From now on every `POST /buy` goes through; notes the key each one carried. */
async function passThrough(page: Page, keys: string[]): Promise<void> {
  await page.unroute(`**${ApiRoutes.buy}`);
  await page.route(`**${ApiRoutes.buy}`, (route) => {
    keys.push(route.request().headers()['idempotency-key']);
    return route.continue();
  });
}

async function expectConfirmed(page: Page, orderId: string, quantity: number): Promise<void> {
  const message = page.getByTestId('purchase-message');
  await waitForText(message.locator('.message__title'), 'You got it! Order confirmed.');
  expect(await message.textContent()).toContain(`You bought ${quantity} ×`);
  expect((await page.getByTestId('order-id').textContent())?.trim()).toBe(orderId);
}

describe('a purchase whose answer was lost is never bought twice', () => {
  const web = useStorefront([drop(1, 100), drop(2, 100), drop(3, 1)]);

  it('Buy now re-sends the same order (same key, same quantity): one sale, and the page shows it', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), '100 left');
    await page.getByTestId('quantity').selectOption('2');

    const cut = await cutAnswers(page);
    const buy = page.getByTestId('buy-button');
    await buy.click();
    const message = page.getByTestId('purchase-message');
    await waitForText(message.locator('.message__title'), 'Could not reach the store');
    expect(await sales(api, 1)).toEqual({ sold: 2, orders: 1 }); // the server did sell

    // While the outcome is unknown the one button says what it does, and the quantity waits.
    await waitForText(buy, SAME_ORDER);
    expect(await buy.isEnabled()).toBe(true);
    expect(await page.getByTestId('retry-button').count()).toBe(0);
    expect(await page.getByTestId('buy-reason').textContent()).toContain(
      'Your order of 2 × “Golden Ticket 1” is not confirmed yet',
    );
    expect(await message.textContent()).toContain('may have gone through');
    expect(await page.getByTestId('quantity').isDisabled()).toBe(true);
    expect(await page.getByTestId('quantity').inputValue()).toBe('2');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'drop-outcome-unknown');

    const keys = [...cut.keys];
    await passThrough(page, keys);
    await buy.click();
    await expectConfirmed(page, cut.orderIds[0], 2);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    expect(await sales(api, 1)).toEqual({ sold: 2, orders: 1 });
    await waitForText(page.getByTestId('stock-count'), '98 left');

    // Settled: Buy now is Buy now again, and a new press is a new order with a new key.
    await waitForText(buy, 'Buy now');
    expect(await page.getByTestId('quantity').isEnabled()).toBe(true);
    await buy.click(); // the quantity chosen before, 2
    await waitForText(page.getByTestId('stock-count'), '96 left');
    expect(keys).toHaveLength(3);
    expect(keys[2]).not.toBe(keys[0]);
    expect(await sales(api, 1)).toEqual({ sold: 4, orders: 2 });
    expect(errors.filter((e) => !/ERR_CONNECTION_RESET|Failed to load resource/.test(e))).toEqual([]);
  });

  it('survives a reload of the page: the same order is re-sent, not a new one', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/2`);
    await waitForText(page.getByTestId('stock-count'), '100 left');
    const cut = await cutAnswers(page);
    await page.getByTestId('buy-button').click();
    await waitForText(
      page.getByTestId('purchase-message').locator('.message__title'),
      'Could not reach the store',
    );
    const keys = [...cut.keys];
    await passThrough(page, keys);

    await page.reload();
    const buy = page.getByTestId('buy-button');
    await waitForText(buy, SAME_ORDER);
    expect(await page.getByTestId('buy-reason').textContent()).toContain(
      'Your order of 1 × “Golden Ticket 2”',
    );
    await buy.click();
    await expectConfirmed(page, cut.orderIds[0], 1);
    expect(keys).toEqual([keys[0], keys[0]]);
    expect(await sales(api, 2)).toEqual({ sold: 1, orders: 1 });
  });

  it('after taking the last one, the drop shows sold out and the same order can still be confirmed', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/drops/3`);
    await waitForText(page.getByTestId('stock-count'), '1 left');
    const cut = await cutAnswers(page);
    await page.getByTestId('buy-button').click();
    await waitForText(page.getByTestId('stock-count'), 'Sold out');
    const buy = page.getByTestId('buy-button');
    await waitForText(buy, SAME_ORDER);
    expect(await buy.isEnabled()).toBe(true);

    await passThrough(page, []);
    await buy.click();
    await expectConfirmed(page, cut.orderIds[0], 1);
    await waitForText(buy, 'Sold out');
    expect(await sales(api, 3)).toEqual({ sold: 1, orders: 1 });
  });
});
