import { ApiRoutes } from '@gtd/shared-contracts';
import { useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { horizontalOverflow, screenshot, seriousA11yViolations, waitForText } from './support/page';

/** How far ahead the drop opens: long enough to load the page and look at the countdown first. */
const LEAD_MS = 8_000;

/**
 * A drop created by the operator API to open a few seconds ahead: the page counts down, opens on
 * time without a reload and sells; the operator's pause and resume show up by themselves.
 */
describe('scheduled drop', () => {
  const web = useStorefront([GOLDEN_TICKET]);

  async function createDrop(startsInMs: number): Promise<{ id: number; startsAt: string }> {
    const { api } = web;
    const startsAt = new Date(Date.now() + startsInMs).toISOString();
    const created = await api.admin('POST', ApiRoutes.admin.products, {
      name: 'Midnight Release',
      description: 'Numbered vinyl pressing, opening on the second.',
      price: 3900,
      currency: 'EUR',
      stock: 20,
      startsAt,
    });
    expect(created.status).toBe(201);
    expect(created.body['state']).toBe(startsInMs > 0 ? 'upcoming' : 'live');
    return { id: created.body['id'] as number, startsAt };
  }

  it('counts down, switches to live on time without a reload, and sells', async () => {
    const { api, page, errors } = web;
    const { id, startsAt } = await createDrop(LEAD_MS);
    const opensAtMs = Date.parse(startsAt);

    await page.goto(`${api.baseUrl}/drops/${id}`);
    await waitForText(page.getByTestId('drop-state'), 'Upcoming');
    await page.getByTestId('countdown').waitFor();
    const button = page.getByTestId('buy-button');
    expect(await button.isDisabled()).toBe(true);
    expect((await button.textContent())?.trim()).toBe('Not open yet');
    expect(await page.getByTestId('buy-reason').textContent()).toMatch(/^Buying opens .+/);
    expect(await page.getByTestId('opens-at').getAttribute('datetime')).toBe(startsAt);
    // The digits are visible but hidden from screen readers; the timer has a coarse label.
    expect(await page.locator('[role="timer"]').getAttribute('aria-label')).toMatch(/^Opens in /);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'drop-countdown');
    await page.setViewportSize({ width: 360, height: 780 });
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'drop-countdown-360px');
    await page.setViewportSize({ width: 1280, height: 900 });

    // A purchase before the opening is refused by the server, whatever the page shows.
    expect((await api.buy(id, 1)).body['code']).toBe('NOT_STARTED');

    await page.evaluate(() => ((window as unknown as { mark: number }).mark = 1));
    await waitForText(page.getByTestId('drop-state'), 'Live', LEAD_MS + 10_000);
    // It did not open early by the clock of this (same) machine.
    expect(Date.now()).toBeGreaterThanOrEqual(opensAtMs);
    expect(await page.getByTestId('countdown').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(1);

    await button.click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('success');
    const orderId = (await page.getByTestId('order-id').textContent())?.trim() as string;
    expect(await api.order(orderId)).toMatchObject({ productId: id, quantity: 1 });
    await waitForText(page.getByTestId('stock-count'), '19 left');
    expect(errors).toEqual([]);
    await screenshot(page, 'drop-opened-and-bought');
  });

  it('shows the operator pausing and resuming the drop, without a reload', async () => {
    const { api, page } = web;
    const { id } = await createDrop(0);
    await page.goto(`${api.baseUrl}/drops/${id}`);
    await waitForText(page.getByTestId('drop-state'), 'Live');
    expect(await page.getByTestId('buy-button').isDisabled()).toBe(false);

    expect((await api.admin('POST', ApiRoutes.admin.pause(id))).status).toBe(200);
    await waitForText(page.getByTestId('drop-state'), 'Paused');
    expect(await page.getByTestId('buy-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('buy-reason').textContent()).toMatch(/paused this drop/);
    await screenshot(page, 'drop-paused');

    expect((await api.admin('POST', ApiRoutes.admin.resume(id))).status).toBe(200);
    await waitForText(page.getByTestId('drop-state'), 'Live');
    expect(await page.getByTestId('buy-button').isDisabled()).toBe(false);
  });

  it('shows state badges in the catalogue', async () => {
    const { api, page } = web;
    const upcoming = await createDrop(3_600_000);
    await page.goto(`${api.baseUrl}/`);
    await page.getByTestId('featured-drop').waitFor();
    const card = page
      .getByTestId('product-card')
      .filter({ has: page.locator(`a[href="/drops/${upcoming.id}"]`) });
    await waitForText(card.getByTestId('drop-state'), 'Upcoming');
    expect(await card.getByTestId('opens-at').textContent()).toMatch(/Opens /);
    await waitForText(page.getByTestId('featured-drop').getByTestId('drop-state'), 'Live');
    await screenshot(page, 'catalogue-badges');
  });
});
