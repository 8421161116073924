import { StorefrontApi, useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from '../support/catalog';
import { a11yViolations, screenshot, waitForText } from '../support/page';

describe('operator console: sign in', () => {
  const web = useStorefront([GOLDEN_TICKET]);

  it('refuses a wrong token at the field, then a right one lists the drops; sign out returns to sign-in', async () => {
    const { api, page } = web;
    await page.goto(`${api.baseUrl}/console`);
    // A tab that has not signed in is sent to the sign-in page.
    await page.waitForURL(/\/console\/sign-in/);
    await waitForText(page.getByRole('heading', { level: 1 }), 'Operator sign in');
    expect(await a11yViolations(page)).toEqual([]);

    const token = page.getByLabel('Operator token');
    await token.fill('not-the-operator-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.getByRole('alert'), /refused/);
    expect(await token.getAttribute('aria-invalid')).toBe('true');
    expect(await page.url()).toMatch(/\/console\/sign-in/);
    expect(await a11yViolations(page)).toEqual([]);

    await token.fill(StorefrontApi.ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await waitForText(page.getByRole('heading', { level: 1 }), 'Drops');
    await page.getByRole('rowheader').filter({ hasText: GOLDEN_TICKET.name }).first().waitFor();
    expect(await a11yViolations(page)).toEqual([]);
    await screenshot(page, 'console-drops');

    // The token is kept for this tab: a reload stays signed in.
    await page.reload();
    await waitForText(page.getByRole('heading', { level: 1 }), 'Drops');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/console\/sign-in/);
    await page.goto(`${api.baseUrl}/console`);
    await page.waitForURL(/\/console\/sign-in/);
  });
});
