import { API_PATH_ROOTS } from './routes';
import { isStorefrontPage, STOREFRONT_PAGES } from './storefront-pages';

describe('STOREFRONT_PAGES', () => {
  it('claims no path the API answers (the API would answer it, never the page)', () => {
    const roots = STOREFRONT_PAGES.map((pattern) => pattern.split('/')[0]);
    expect(roots.filter((root) => API_PATH_ROOTS.includes(root))).toEqual([]);
  });

  it.each([
    '/',
    '/drops/1',
    '/drops/abc',
    '/drops/%31',
    '/receipts/0b7f6a2e-2c1d-4e5f-8a9b-0c1d2e3f4a5b',
    '/my-tickets',
    '/sign-in',
    '/register',
    '//',
  ])('%s is a page', (path) => expect(isStorefrontPage(path)).toBe(true));

  it.each([
    '/drops',
    '/drops/',
    '/drops/1/',
    '/drops/1/queue',
    '/drops//1',
    '/sign-in/',
    '/receipts',
    '/receipts/1/ticket',
    '/orders/1',
    '/nope',
    '/%E0%A4%A',
  ])('%s is not', (path) => expect(isStorefrontPage(path)).toBe(false));
});
