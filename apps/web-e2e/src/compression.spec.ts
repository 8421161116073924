import { HTTP_ADAPTERS, STOREFRONT_ROOT, useStorefront } from '@gtd/testing';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'playwright-core';
import { GOLDEN_TICKET } from './support/catalog';
import { waitForText } from './support/page';

/** The build's main bundle, as the browser asks for it. */
const MAIN_BUNDLE = /\/main-[A-Z0-9]+\.js$/;

describe.each(HTTP_ADAPTERS)('the storefront as the browser receives it, on %s', (httpAdapter) => {
  const web = useStorefront([GOLDEN_TICKET], { env: { HTTP_ADAPTER: httpAdapter } });

  it('brotli-compressed: the main bundle, the styles and the page', async () => {
    const { api, page, errors } = web;
    const responses: Response[] = [];
    page.on('response', (response) => responses.push(response));
    await page.goto(`${api.baseUrl}/`);
    await waitForText(page.getByTestId('featured-drop').locator('h2'), 'Golden Ticket');

    const served = (pattern: RegExp) => {
      const response = responses.find((candidate) => pattern.test(new URL(candidate.url()).pathname));
      if (!response) throw new Error(`The page loaded nothing matching ${pattern}`);
      return response;
    };
    const main = served(MAIN_BUNDLE);
    const built = readdirSync(STOREFRONT_ROOT).find((name) => MAIN_BUNDLE.test(`/${name}`)) ?? '';
    for (const response of [main, served(/\/styles-[A-Z0-9]+\.css$/), served(/^\/$/)]) {
      const headers = await response.allHeaders();
      expect([response.url(), headers['content-encoding'], headers['vary']]).toEqual([
        response.url(),
        'br',
        'Accept-Encoding',
      ]);
    }
    // What went over the wire is the compressed copy, far smaller than the bundle itself.
    const { responseBodySize } = await main.request().sizes();
    expect(responseBodySize).toBeGreaterThan(0);
    expect(responseBodySize).toBeLessThan(statSync(join(STOREFRONT_ROOT, built)).size / 2);
    expect(errors).toEqual([]);
  });

  it('known pages answer 200, unknown ones 404 with the app’s not-found page', async () => {
    const { api, page } = web;
    const known = await page.goto(`${api.baseUrl}/drops/1`);
    expect(known?.status()).toBe(200);
    await waitForText(page.getByTestId('stock-count'), `${await api.available(1)} left`);

    const unknown = await page.goto(`${api.baseUrl}/no/such/page`);
    expect(unknown?.status()).toBe(404);
    await page.getByTestId('not-found').waitFor();
  });
});
