import { ApiRoutes } from '@gtd/shared-contracts';
import { HTTP_ADAPTERS, useStorefront } from '@gtd/testing';
import type { Page } from 'playwright-core';
import { GOLDEN_TICKET } from './support/catalog';
import { waitForText } from './support/page';

/** What Chromium reports when the policy blocks something: a console line, and the DOM event. */
const VIOLATION = /Content Security Policy|Refused to/i;

/** Every CSP violation the page reports from now on, as console lines and `securitypolicyviolation` events. */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const lines: string[] = [];
  page.on('console', (message) => {
    if (VIOLATION.test(message.text())) lines.push(message.text());
  });
  page.on('pageerror', (error) => {
    if (VIOLATION.test(error.message)) lines.push(error.message);
  });
  // Injected by the browser itself, so the policy under test does not apply to this listener.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) =>
      seen.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'}`),
    );
  });
  return async () => [
    ...lines,
    ...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])),
  ];
}

describe.each(HTTP_ADAPTERS)('Content-Security-Policy in the browser, on %s', (httpAdapter) => {
  const web = useStorefront([GOLDEN_TICKET], { env: { HTTP_ADAPTER: httpAdapter } });

  it('the storefront works under it and violates nothing: catalogue, drop page, a purchase', async () => {
    const { api, page, errors } = web;
    const violations = await watchViolations(page);
    const response = await page.goto(`${api.baseUrl}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await waitForText(page.getByTestId('featured-drop').locator('h2'), 'Golden Ticket');

    await page.getByTestId('featured-link').click();
    await page.waitForURL('**/drops/1');
    await waitForText(page.getByTestId('stock-count'), `${await api.available(1)} left`);
    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('success');

    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('Swagger UI at /docs works under it and violates nothing', async () => {
    const { api, page, errors } = web;
    const violations = await watchViolations(page);
    const response = await page.goto(`${api.baseUrl}${ApiRoutes.docs}`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    // The operations are rendered from /docs-json by Swagger UI's scripts: the page works.
    const operation = page.locator('.opblock-summary-path[data-path="/buy"]').first();
    await operation.waitFor({ timeout: 15_000 });
    await operation.click();
    await page.locator('.opblock-body').first().waitFor({ timeout: 15_000 });

    expect(await violations()).toEqual([]);
    expect(errors).toEqual([]);
  });
});
