import { ApiRoutes } from '@gtd/shared-contracts';
import { StorefrontApi, useStorefront, watchErrors } from '@gtd/testing';
import { Page } from 'playwright-core';
import { GOLDEN_TICKET } from '../support/catalog';
import { a11yViolations, screenshot, waitForText } from '../support/page';

/** The operator's token, put in this tab's storage as the sign-in page would (sign-in has its own spec). */
async function signedIn(page: Page): Promise<void> {
  await page.addInitScript(
    (token) => sessionStorage.setItem('gtd.operator-token', token),
    StorefrontApi.ADMIN_TOKEN,
  );
}

const focusedId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Tab (only the keyboard) until the element with `id` has focus; fails after `max` presses. */
async function tabTo(page: Page, id: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focusedId(page)) === id) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached #${id}; focus is on #${await focusedId(page)}`);
}

/** The id the form navigated to after saving: `/console/drops/{id}`. */
async function savedDropId(page: Page): Promise<number> {
  await page.waitForURL(/\/console\/drops\/\d+$/);
  return Number(/\/console\/drops\/(\d+)$/.exec(page.url())?.[1]);
}

describe('operator console: create and edit drops, audit log', () => {
  const web = useStorefront([GOLDEN_TICKET]);
  let createdId = 0;

  it('shows the API’s refusals at their fields, then creates the drop: in the console’s table and on the storefront', async () => {
    const { api } = web;
    // A zone without daylight saving, ahead of UTC: 18:30 there is 09:30 UTC whatever the date.
    const context = await web.browser.newContext({
      timezoneId: 'Asia/Tokyo',
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    try {
      await signedIn(page);
      await page.goto(`${api.baseUrl}/console`);
      await page.getByRole('link', { name: 'New drop' }).click();
      await page.waitForURL(/\/console\/drops\/new$/);
      await waitForText(page.getByRole('heading', { level: 1 }), 'New drop');
      await page.getByText('Times in your time zone, Asia/Tokyo.').waitFor();
      expect(await a11yViolations(page)).toEqual([]);

      await page.getByLabel('Name').fill('Wonka Bar');
      await page.getByLabel('Price').fill('25.00');
      await page.getByLabel('Currency').fill('EURO');
      await page.getByLabel('Stock', { exact: true }).fill('40');
      await page.getByLabel('Opens (optional)').fill('2030-01-15T18:30');
      await page.getByLabel('Closes (optional)').fill('2030-01-15T18:00');
      await page.getByText('That is 15 Jan 2030, 09:30:00 UTC.').waitFor();
      await page.getByRole('button', { name: 'Create drop' }).click();

      // The API's own message, at the field, and the summary (focused) leading to it.
      const currency = page.getByLabel('Currency');
      await waitForText(page.locator('#drop-currency-error'), /ISO 4217/);
      expect(await currency.getAttribute('aria-invalid')).toBe('true');
      expect(await currency.getAttribute('aria-describedby')).toContain('drop-currency-error');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
        'error-summary',
      );
      expect(await page.getByLabel('Name').getAttribute('aria-invalid')).toBeNull();
      expect(await a11yViolations(page)).toEqual([]);
      await screenshot(page, 'console-drop-form-errors');
      await page
        .getByTestId('error-summary')
        .getByRole('link', { name: /^Currency:/ })
        .first()
        .click();
      expect(await focusedId(page)).toBe('drop-currency');

      // Fixed: now the API's cross-field rule speaks, at the closing time.
      await currency.fill('EUR');
      await page.getByRole('button', { name: 'Create drop' }).click();
      await waitForText(page.locator('#drop-endsAt-error'), 'endsAt must be after startsAt');
      expect(await page.getByLabel('Closes (optional)').getAttribute('aria-invalid')).toBe('true');
      expect(await currency.getAttribute('aria-invalid')).toBeNull();
      expect(await a11yViolations(page)).toEqual([]);

      await page.getByLabel('Closes (optional)').fill('2030-01-16T18:00');
      await page.getByRole('button', { name: 'Create drop' }).click();
      createdId = await savedDropId(page);

      const stored = await api.admin('GET', ApiRoutes.admin.product(createdId));
      expect(stored.body).toMatchObject({
        name: 'Wonka Bar',
        price: 2500,
        currency: 'EUR',
        stock: 40,
        startsAt: '2030-01-15T09:30:00.000Z',
        endsAt: '2030-01-16T09:00:00.000Z',
        perBuyerLimit: null,
      });
      const storefront = await fetch(`${api.baseUrl}${ApiRoutes.products}`).then(
        (r) => r.json() as Promise<{ id: number; name: string }[]>,
      );
      expect(storefront.map((p) => p.name)).toContain('Wonka Bar');

      await page.goto(`${api.baseUrl}/console`);
      await page.getByRole('rowheader').filter({ hasText: 'Wonka Bar' }).first().waitFor();
      await page.goto(`${api.baseUrl}/`);
      await page.getByRole('heading', { name: 'Wonka Bar' }).first().waitFor();
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('creates a drop with its waiting room from the keyboard alone', async () => {
    const { api, page } = web;
    await signedIn(page);
    await page.goto(`${api.baseUrl}/console/drops/new`);
    await waitForText(page.getByRole('heading', { level: 1 }), 'New drop');
    await tabTo(page, 'drop-name');
    await page.keyboard.type('Keyboard Drop');
    await tabTo(page, 'drop-price');
    await page.keyboard.type('12.5');
    await tabTo(page, 'drop-stock');
    await page.keyboard.type('7');
    await tabTo(page, 'drop-perBuyerLimit');
    await page.keyboard.type('2');
    await tabTo(page, 'queue-enabled');
    await page.keyboard.press('Space');
    await tabTo(page, 'queue-admissionsPerMinute');
    await page.keyboard.type('120');
    await page.keyboard.press('Enter');
    const id = await savedDropId(page);

    expect((await api.admin('GET', ApiRoutes.admin.product(id))).body).toMatchObject({
      name: 'Keyboard Drop',
      price: 1250,
      currency: 'EUR',
      stock: 7,
      perBuyerLimit: 2,
      startsAt: null,
    });
    expect((await api.admin('GET', ApiRoutes.admin.queue(id))).body).toMatchObject({
      settings: { enabled: true, admissionsPerMinute: 120, order: 'random', passLifetimeSeconds: 300 },
    });
    expect(web.errors).toEqual([]);
  });

  it('edits a drop’s name, sending only the name', async () => {
    const { api, page } = web;
    await signedIn(page);
    await page.goto(`${api.baseUrl}/console/drops/${GOLDEN_TICKET.id}/edit`);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Edit drop');
    const name = page.getByLabel('Name');
    await page.waitForFunction(
      () => (document.getElementById('drop-name') as HTMLInputElement | null)?.value !== '',
    );
    expect(await name.inputValue()).toBe(GOLDEN_TICKET.name);
    expect(await page.getByLabel('Price').inputValue()).toBe('50.00');
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'console-drop-edit');

    await name.fill('Golden Ticket Deluxe');
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect(await savedDropId(page)).toBe(GOLDEN_TICKET.id);

    const product = await api.admin('GET', ApiRoutes.admin.product(GOLDEN_TICKET.id));
    expect(product.body).toMatchObject({ name: 'Golden Ticket Deluxe', price: 5000, stock: 100 });
    const updates = await api.admin('GET', `${ApiRoutes.admin.audit}?action=product.update`);
    expect(updates.body).toEqual([
      expect.objectContaining({ productId: GOLDEN_TICKET.id, details: { name: 'Golden Ticket Deluxe' } }),
    ]);
    expect(web.errors).toEqual([]);
  });

  it('lists the changes, filters them by action in the URL, and pages to older entries', async () => {
    const { api, page } = web;
    // More than a page of entries: 26 pauses and 26 resumes after the creates and the edit.
    for (let i = 0; i < 26; i++) {
      expect((await api.admin('POST', ApiRoutes.admin.pause(GOLDEN_TICKET.id))).status).toBe(200);
      expect((await api.admin('POST', ApiRoutes.admin.resume(GOLDEN_TICKET.id))).status).toBe(200);
    }
    await signedIn(page);
    await page.goto(`${api.baseUrl}/console`);
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(/\/console\/audit$/);
    await waitForText(page.getByTestId('audit-status'), '50 entries, newest first.');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(50);
    expect(await rows.first().locator('td').nth(2).textContent()).toMatch(/Drop resumed/);
    expect(await a11yViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Older entries' }).click();
    await page.waitForURL(/before=\d+/);
    // 2 creates, 1 waiting room, 1 edit and the 2 earliest of the 52 pauses and resumes.
    await waitForText(page.getByTestId('audit-status'), '6 entries, older ones, newest first.');
    const older = (await rows.locator('td:nth-child(3)').allTextContents()).map((t) => t.trim());
    expect(older).toEqual([
      'Drop resumed',
      'Drop paused',
      'Drop changed',
      'Waiting room set up',
      'Drop created',
      'Drop created',
    ]);
    expect(await page.getByRole('link', { name: 'Older entries' }).count()).toBe(0);
    await page
      .getByRole('row')
      .filter({ hasText: 'Drop changed' })
      .getByText('name “Golden Ticket Deluxe”')
      .waitFor();

    await page.getByLabel('Action').selectOption('product.create');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/\/console\/audit\?action=product\.create$/);
    await waitForText(page.getByTestId('audit-status'), '2 entries, newest first.');
    await page.getByRole('link', { name: 'Wonka Bar' }).waitFor();
    const created = (await rows.locator('td:nth-child(4)').allTextContents()).map((t) => t.trim());
    expect(created).toEqual(['Keyboard Drop', 'Wonka Bar']);
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'console-audit');

    // The filter is the URL's: a reload shows the same view, and the select says so.
    await page.reload();
    await waitForText(page.getByTestId('audit-status'), '2 entries, newest first.');
    expect(await page.getByLabel('Action').inputValue()).toBe('product.create');
    expect(createdId).toBeGreaterThan(GOLDEN_TICKET.id);
    expect(web.errors).toEqual([]);
  });
});
