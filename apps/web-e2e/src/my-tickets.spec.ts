import { AxeBuilder } from '@axe-core/playwright';
import { ApiRoutes, type OrderTicket } from '@gtd/shared-contracts';
import { send, useStorefront } from '@gtd/testing';
import type { Page } from 'playwright-core';
import { create } from 'qrcode';
import { GOLDEN_TICKET } from './support/catalog';
import { horizontalOverflow, screenshot, waitForText } from './support/page';

const PASSWORD = 'correct horse battery staple';

/** Every axe-core finding against WCAG 2.1 A/AA and best practice, whatever its impact. */
async function a11yViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/**
 * The QR code the page drew, read back module by module from its SVG path and compared with the
 * QR code of `text`: what a scanner reads is the ticket.
 */
async function drawsQrOf(page: Page, text: string): Promise<boolean> {
  const svg = page.getByTestId('ticket-qr');
  const size = Number((await svg.getAttribute('viewBox'))?.split(' ')[2]);
  const path = (await svg.locator('path').getAttribute('d')) ?? '';
  const dark = new Set<string>();
  for (const [, x, y, w] of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\3z/g)) {
    for (let i = 0; i < Number(w); i++) dark.add(`${Number(x) + i},${y}`);
  }
  const { modules } = create(text, { errorCorrectionLevel: 'M' });
  if (size !== modules.size + 8) return false;
  let expected = 0;
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      const on = Boolean(modules.get(row, col));
      if (on) expected++;
      if (on !== dark.has(`${col + 4},${row + 4}`)) return false;
    }
  }
  return dark.size === expected;
}

describe('receipts and My tickets', () => {
  const web = useStorefront([GOLDEN_TICKET]);

  async function buyOnPage(page: Page, quantity: number): Promise<string> {
    await page.getByTestId('quantity').selectOption(String(quantity));
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await waitForText(message.locator('.message__title'), /Order confirmed/);
    const orderId = (await page.getByTestId('order-id').textContent())?.trim() as string;
    // Ready for the next press.
    await waitForText(page.getByTestId('buy-button'), 'Buy now');
    return orderId;
  }

  it('anonymous: buy → the success message links to the receipt → QR and price → reload → My tickets', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), `${await api.available(1)} left`);
    const orderId = await buyOnPage(page, 2);

    await page.getByTestId('view-ticket').click();
    await page.waitForURL(`**/receipts/${orderId}`);
    await page.getByTestId('receipt').waitFor();
    expect(await page.title()).toBe('Your ticket · Golden Ticket Drop');
    expect((await page.getByTestId('receipt-product').textContent())?.trim()).toBe('Golden Ticket');
    expect((await page.getByTestId('receipt-quantity').textContent())?.trim()).toBe('2');
    expect((await page.getByTestId('receipt-unit-price').textContent())?.trim()).toBe('€50.00');
    expect((await page.getByTestId('receipt-total').textContent())?.trim()).toBe('€100.00');
    expect((await page.getByTestId('receipt-order-id').textContent())?.trim()).toBe(orderId);
    expect(await page.getByTestId('receipt-next').textContent()).toContain('Show this QR code at the door');

    const ticket = await send<OrderTicket>(api.baseUrl, { path: ApiRoutes.orderTicket(orderId) });
    expect(ticket.status).toBe(200);
    expect((await page.getByTestId('ticket-token').textContent())?.trim()).toBe(ticket.body.ticket);
    expect(await page.getByTestId('ticket-qr').getAttribute('aria-label')).toBe(
      `Ticket QR code for order ${orderId}`,
    );
    expect(await drawsQrOf(page, ticket.body.ticket)).toBe(true);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'receipt');
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'receipt-360px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // The receipt is its own address: a reload shows it again.
    await page.reload();
    await page.getByTestId('receipt').waitFor();
    expect((await page.getByTestId('ticket-token').textContent())?.trim()).toBe(ticket.body.ticket);

    // And the order is not lost: My tickets lists it from this device.
    await page.getByTestId('my-tickets-link').click();
    await page.waitForURL('**/my-tickets');
    const row = page.getByTestId('device-orders').getByTestId('order-row');
    await waitForText(row.getByTestId('order-total'), /€100\.00 paid/);
    expect(await row.count()).toBe(1);
    expect(await row.getAttribute('data-order-id')).toBe(orderId);
    expect((await row.getByTestId('order-state').textContent())?.trim()).toBe('Confirmed');
    expect(await page.getByTestId('sign-in-hint').count()).toBe(1);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'my-tickets-anonymous');
    await row.getByTestId('order-link').click();
    await page.waitForURL(`**/receipts/${orderId}`);
    await page.getByTestId('receipt').waitFor();

    // At the door the ticket admits once.
    const scan = () =>
      api.admin('POST', ApiRoutes.admin.checkIns, { ticket: ticket.body.ticket, scanner: 'north-gate' });
    expect(await scan()).toMatchObject({
      status: 200,
      body: { orderId, quantity: 2, scanner: 'north-gate' },
    });
    expect(await scan()).toMatchObject({ status: 409, body: { code: 'ALREADY_CHECKED_IN' } });
    expect(errors).toEqual([]);
  });

  it('signed in: two purchases are listed from the account, apart from the device’s', async () => {
    const { api, page, errors } = web;
    await api.register('grace@example.com', PASSWORD);
    await page.goto(`${api.baseUrl}/sign-in?returnUrl=%2Fdrops%2F1`);
    await page.getByTestId('email').fill('grace@example.com');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('auth-submit').click();
    await page.waitForURL('**/drops/1');
    await waitForText(page.getByTestId('buyer-email'), 'grace@example.com');
    await waitForText(page.getByTestId('buy-button'), 'Buy now');

    const first = await buyOnPage(page, 1);
    const second = await buyOnPage(page, 3);

    await page.getByTestId('my-tickets-link').click();
    await page.waitForURL('**/my-tickets');
    const rows = page.getByTestId('account-orders').getByTestId('order-row');
    await rows.nth(1).waitFor();
    expect(await rows.evaluateAll((els) => els.map((el) => el.getAttribute('data-order-id')))).toEqual([
      first,
      second,
    ]);
    expect(await rows.nth(1).textContent()).toMatch(/3 ×.*€50\.00 each.*€150\.00 paid/);
    // Bought signed in: in the account, not kept on the device.
    expect(await page.getByTestId('device-orders').count()).toBe(0);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'my-tickets-signed-in');
    expect(errors).toEqual([]);
  });

  it('an unknown order: a clear not-found page', async () => {
    const { api, page } = web;
    const unknown = '0b7f6a2e-2c1d-4e5f-8a9b-0c1d2e3f4a5b';
    const response = await page.goto(`${api.baseUrl}/receipts/${unknown}`);
    // The address is a page (its order is what is missing), so the server answers it with 200.
    expect(response?.status()).toBe(200);
    await waitForText(page.locator('#not-found-title'), 'We could not find this order');
    expect(await page.getByTestId('receipt').count()).toBe(0);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'receipt-not-found');
  });

  it('the store does not answer: a retry state, and Try again shows the receipt', async () => {
    const { api, page } = web;
    const sale = await api.buy(1, 1);
    const orderId = sale.body['orderId'] as string;
    await page.route(`**${ApiRoutes.order(orderId)}`, (route) => route.abort('connectionrefused'));
    await page.goto(`${api.baseUrl}/receipts/${orderId}`);
    await page.getByTestId('receipt-error').waitFor();
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'receipt-store-down');

    await page.unroute(`**${ApiRoutes.order(orderId)}`);
    await page.getByTestId('receipt-reload').click();
    await page.getByTestId('receipt').waitFor();
    expect((await page.getByTestId('receipt-order-id').textContent())?.trim()).toBe(orderId);
  });
});
