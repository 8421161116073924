import { useStorefront } from '@gtd/testing';
import { GOLDEN_TICKET } from './support/catalog';
import { screenshot, waitForText } from './support/page';

/** The storefront served by the API on Fastify (HTTP_ADAPTER=fastify) behaves as on Express. */
describe('storefront served on Fastify', () => {
  const web = useStorefront([{ ...GOLDEN_TICKET, stock: 7 }], {
    env: { HTTP_ADAPTER: 'fastify' },
    page: 'shared',
  });

  it('opens a deep link, shows the live count, sells, and follows a sale made elsewhere', async () => {
    const { api, page, errors } = web;
    await page.goto(`${api.baseUrl}/drops/1`);
    await waitForText(page.getByTestId('stock-count'), '7 left');

    await page.getByTestId('buy-button').click();
    const message = page.getByTestId('purchase-message');
    await message.waitFor();
    expect(await message.getAttribute('data-outcome')).toBe('success');
    await waitForText(page.getByTestId('stock-count'), '6 left');

    expect((await api.buy(1, 2)).status).toBe(201);
    await waitForText(page.getByTestId('stock-count'), '4 left');
    expect(await api.available(1)).toBe(4);
    expect(errors).toEqual([]);
    await screenshot(page, 'fastify-drop-live');
  });
});
