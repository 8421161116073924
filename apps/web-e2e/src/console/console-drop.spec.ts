import { readFileSync } from 'node:fs';
import { AdminOrder, ApiRoutes, DropSummary, OrdersPage } from '@gtd/shared-contracts';
import { openPage, StorefrontApi, useStorefront } from '@gtd/testing';
import { Page } from 'playwright-core';
import { GOLDEN_TICKET } from '../support/catalog';
import { a11yViolations, screenshot, waitForText } from '../support/page';

/** Enough stock that the rush, restocks and cancels never sell out. */
const DROP = { ...GOLDEN_TICKET, stock: 1000 };
const RUSH = 200;

describe('operator console: a drop', () => {
  const web = useStorefront([DROP]);
  /** Every request the console's page sent, to check the token only ever travels in a header. */
  let sent: { url: string; authorization: string | undefined }[];

  beforeEach(() => {
    sent = [];
    web.page.on('request', (request) =>
      sent.push({ url: request.url(), authorization: request.headers()['authorization'] }),
    );
  });

  afterEach(() => {
    expect(sent.filter((r) => r.url.includes(StorefrontApi.ADMIN_TOKEN))).toEqual([]);
    expect(web.errors).toEqual([]);
  });

  /** Signs this tab in and opens the drop from the drops table's link. */
  async function openDrop(page: Page): Promise<void> {
    await page.goto(`${web.api.baseUrl}/console/sign-in`);
    await page.getByLabel('Operator token').fill(StorefrontApi.ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: DROP.name }).click();
    await page.waitForURL(/\/console\/drops\/1$/);
    await waitForText(page.getByRole('heading', { level: 1 }), DROP.name);
    await page.getByTestId('figure-sold').waitFor();
    // The live stream has delivered its first summary.
    await page.locator('[data-testid="sold"][data-value]').waitFor();
  }

  const figure = async (page: Page, name: string) =>
    Number(await page.getByTestId(`figure-${name}`).getAttribute('data-value'));

  async function summary(): Promise<DropSummary> {
    const answer = await web.api.admin('GET', ApiRoutes.admin.summary(1));
    return answer.body as unknown as DropSummary;
  }

  async function allOrders(): Promise<AdminOrder[]> {
    const orders: AdminOrder[] = [];
    let after: string | null = null;
    do {
      const query = `?limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page = (await web.api.admin('GET', `${ApiRoutes.admin.orders(1)}${query}`))
        .body as unknown as OrdersPage;
      orders.push(...page.items);
      after = page.nextCursor;
    } while (after);
    return orders;
  }

  /** At least `count` orders, however many earlier tests (or none, when run alone) made. */
  async function ensureOrders(count: number): Promise<void> {
    const missing = count - (await summary()).orders;
    await Promise.all(Array.from({ length: Math.max(0, missing) }, () => web.api.buy(1, 1)));
  }

  async function storefront(): Promise<Page> {
    const shop = await openPage(web.browser);
    await shop.goto(`${web.api.baseUrl}/drops/1`);
    await shop.getByTestId('stock-count').waitFor();
    return shop;
  }

  it('moves the live chart while a rush of 200 buys runs, without a reload', async () => {
    const { page, api } = web;
    await openDrop(page);
    expect(await a11yViolations(page)).toEqual([]);
    const before = (await summary()).sold;
    await page.locator(`[data-testid="sold"][data-value="${before}"]`).waitFor();
    // Every value the live figure takes, recorded in the page; and a marker a reload would wipe.
    await page.evaluate(() => {
      const w = window as unknown as { soldSeen: number[]; notReloaded: boolean };
      w.notReloaded = true;
      w.soldSeen = [];
      const sold = document.querySelector('[data-testid="sold"]');
      if (!sold) throw new Error('no live sold figure');
      new MutationObserver(() => w.soldSeen.push(Number(sold.getAttribute('data-value')))).observe(sold, {
        attributes: true,
        attributeFilter: ['data-value'],
      });
    });

    const answers = await Promise.all(Array.from({ length: RUSH }, () => api.buy(1, 1)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(RUSH);

    await page.locator(`[data-testid="sold"][data-value="${before + RUSH}"]`).waitFor({ timeout: 20_000 });
    const seen = await page.evaluate(
      () => (window as unknown as { soldSeen: number[]; notReloaded?: boolean }).soldSeen,
    );
    expect(seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen[seen.length - 1]).toBe(before + RUSH);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect((await summary()).sold).toBe(before + RUSH);
    await screenshot(page, 'console-drop-rush');
  });

  it('pauses (the storefront shows paused) and resumes', async () => {
    const { page } = web;
    await openDrop(page);
    const shop = await storefront();
    try {
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await waitForText(page.getByTestId('drop-announcement'), /Paused:/);
      await waitForText(page.getByTestId('drop-state'), 'paused');
      await waitForText(shop.getByTestId('buy-button'), 'Paused');
      expect((await web.api.buy(1, 1)).status).toBe(409);
      expect(await a11yViolations(page)).toEqual([]);
      await screenshot(page, 'console-drop-paused');

      await page.getByRole('button', { name: 'Resume', exact: true }).click();
      await waitForText(page.getByTestId('drop-announcement'), /Resumed:/);
      await waitForText(page.getByTestId('drop-state'), 'live');
      await waitForText(shop.getByTestId('buy-button'), /Buy now/);
      expect(await a11yViolations(page)).toEqual([]);
    } finally {
      await shop.close();
    }
  });

  it('pauses and resumes from the keyboard alone', async () => {
    const { page } = web;
    await openDrop(page);
    const toggle = page.getByTestId('pause-toggle');
    await waitForText(toggle, 'Pause');
    const focused = () =>
      page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'] ?? null);
    for (let presses = 0; (await focused()) !== 'pause-toggle'; presses++) {
      if (presses > 40) throw new Error('Tab never reached the pause button');
      await page.keyboard.press('Tab');
    }
    // Focus is visible on it (the app's :focus-visible outline).
    expect(await toggle.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await waitForText(toggle, 'Resume');
    expect(await focused()).toBe('pause-toggle');
    expect((await web.api.admin('GET', ApiRoutes.admin.product(1))).body['paused']).toBe(true);
    await page.keyboard.press('Space');
    await waitForText(toggle, 'Pause');
    expect(await focused()).toBe('pause-toggle');
    expect((await web.api.admin('GET', ApiRoutes.admin.product(1))).body['paused']).toBe(false);
  });

  it('restocks after a confirmation of before → after; an impossible quantity is refused at the field', async () => {
    const { page } = web;
    await openDrop(page);
    const shop = await storefront();
    try {
      const stock = await figure(page, 'stock');
      const available = await figure(page, 'available');
      const quantity = page.getByLabel('Quantity');

      // The API refuses a stock past its maximum; the message lands at the field.
      await page.getByLabel('Add units to the stock').check();
      await quantity.fill('2147483647');
      await page.getByRole('button', { name: 'Review restock' }).click();
      await page.getByRole('button', { name: 'Confirm restock' }).click();
      await waitForText(page.getByTestId('restock-quantity-error'), /stock would exceed/);
      expect(await quantity.getAttribute('aria-invalid')).toBe('true');
      expect(await a11yViolations(page)).toEqual([]);

      await quantity.fill('50');
      await page.getByRole('button', { name: 'Review restock' }).click();
      await waitForText(
        page.getByTestId('restock-preview'),
        `Available ${available} → ${available + 50}, stock ${stock} → ${stock + 50}`,
      );
      expect(await a11yViolations(page)).toEqual([]);
      await screenshot(page, 'console-drop-restock-confirm');
      expect((await summary()).stock).toBe(stock); // nothing sent before the confirmation
      await page.getByRole('button', { name: 'Confirm restock' }).click();
      await waitForText(
        page.getByTestId('drop-announcement'),
        `Restocked: available ${available + 50}, stock ${stock + 50}.`,
      );
      await page.locator(`[data-testid="figure-stock"][data-value="${stock + 50}"]`).waitFor();
      await page.locator(`[data-testid="figure-available"][data-value="${available + 50}"]`).waitFor();
      await waitForText(shop.getByTestId('stock-count'), `${available + 50} left`);
      expect(await a11yViolations(page)).toEqual([]);

      // Set: available becomes the quantity, the stock what was sold plus it.
      const sold = stock + 50 - (available + 50);
      await page.getByLabel('Set what is available').check();
      await quantity.fill(String(available));
      await page.getByRole('button', { name: 'Review restock' }).click();
      await waitForText(
        page.getByTestId('restock-preview'),
        `Available ${available + 50} → ${available}, stock ${stock + 50} → ${sold + available}`,
      );
      await page.getByRole('button', { name: 'Confirm restock' }).click();
      await page.locator(`[data-testid="figure-available"][data-value="${available}"]`).waitFor();
      await waitForText(shop.getByTestId('stock-count'), `${available} left`);
    } finally {
      await shop.close();
    }
  });

  it('exports the orders as CSV, fetched with the bearer, matching the orders', async () => {
    const { page } = web;
    await ensureOrders(3);
    await openDrop(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('drop-1-orders.csv');
    const path = await download.path();
    const lines = readFileSync(path, 'utf8')
      .split('\r\n')
      .filter((line) => line !== '');
    const header = lines[0].split(',');
    expect(header.slice(0, 8)).toEqual([
      'orderId',
      'productId',
      'quantity',
      'unitPrice',
      'currency',
      'total',
      'buyerId',
      'createdAt',
    ]);
    const orders = await allOrders();
    expect(orders.length).toBeGreaterThanOrEqual(3);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((row) => row[0])).toEqual(orders.map((o) => o.orderId));
    for (const [i, row] of rows.entries()) {
      const order = orders[i];
      expect(row.slice(0, 8)).toEqual([
        order.orderId,
        String(order.productId),
        String(order.quantity),
        String(order.unitPrice),
        order.currency,
        String(order.total),
        order.buyerId ?? '',
        order.createdAt,
      ]);
    }
    const exports = sent.filter((r) => r.url.endsWith(ApiRoutes.admin.ordersExport(1)));
    expect(exports).toEqual([
      {
        url: `${web.api.baseUrl}${ApiRoutes.admin.ordersExport(1)}`,
        authorization: `Bearer ${StorefrontApi.ADMIN_TOKEN}`,
      },
    ]);
    await waitForText(page.getByTestId('drop-announcement'), 'The orders CSV was downloaded.');
  });

  it('pages through the orders by cursor, 50 at a time', async () => {
    const { page } = web;
    await ensureOrders(60);
    await openDrop(page);
    const orders = await allOrders();
    const rows = page.getByTestId('order-row');
    await waitForText(page.locator('caption'), /page 1\s*$/);
    expect(await rows.count()).toBe(50);
    expect(await rows.first().getAttribute('data-order-id')).toBe(orders[0].orderId);
    await page.getByRole('button', { name: 'Next page' }).click();
    await waitForText(page.locator('caption'), /page 2\s*$/);
    expect(await rows.first().getAttribute('data-order-id')).toBe(orders[50].orderId);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await waitForText(page.locator('caption'), /page 1\s*$/);
    expect(await rows.first().getAttribute('data-order-id')).toBe(orders[0].orderId);
    expect(await a11yViolations(page)).toEqual([]);

    // The page's address is its own: a reload (or a shared link, in this tab) opens the same drop.
    await page.reload();
    await waitForText(page.getByRole('heading', { level: 1 }), DROP.name);
    await page.getByTestId('figure-sold').waitFor();
  });

  it('cancels an order after a confirm step: available +1 on the storefront; twice is "already cancelled"', async () => {
    const { page } = web;
    await ensureOrders(2);
    await openDrop(page);
    const shop = await storefront();
    try {
      const available = await figure(page, 'available');
      await waitForText(shop.getByTestId('stock-count'), `${available} left`);
      const row = page.getByTestId('order-row').first();
      const orderId = await row.getAttribute('data-order-id');
      await row.getByRole('button', { name: `Cancel order ${orderId}` }).click();
      await page.getByRole('button', { name: 'Yes, cancel it' }).waitFor();
      expect(await a11yViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Yes, cancel it' }).click();
      await waitForText(row.getByTestId('order-status'), 'cancelled');
      await waitForText(
        page.getByTestId('drop-announcement'),
        `Order ${orderId} cancelled: ${available + 1} available.`,
      );
      await page.locator(`[data-testid="figure-available"][data-value="${available + 1}"]`).waitFor();
      await waitForText(shop.getByTestId('stock-count'), `${available + 1} left`);
      expect(await a11yViolations(page)).toEqual([]);

      // Cancelled elsewhere while this page still shows it as sold: the console's try is a 409.
      const second = page.getByTestId('order-row').nth(1);
      const secondId = String(await second.getAttribute('data-order-id'));
      expect((await web.api.admin('POST', ApiRoutes.admin.orderCancel(secondId))).status).toBe(200);
      await second.getByRole('button', { name: `Cancel order ${secondId}` }).click();
      await page.getByRole('button', { name: 'Yes, cancel it' }).click();
      await waitForText(page.getByTestId('drop-announcement'), `Order ${secondId} was already cancelled.`);
      await waitForText(second.getByTestId('order-status'), 'cancelled');
      expect(await a11yViolations(page)).toEqual([]);
    } finally {
      await shop.close();
    }
  });
});
