import { ApiRoutes, problemType } from './routes';

describe('ApiRoutes', () => {
  it('keeps the seed routes at the root', () => {
    expect(ApiRoutes.products).toBe('/products');
    expect(ApiRoutes.inventory(1)).toBe('/products/1/inventory');
    expect(ApiRoutes.buy).toBe('/buy');
  });

  it('escapes order ids so they cannot change the path', () => {
    expect(ApiRoutes.order('a/b?c')).toBe('/orders/a%2Fb%3Fc');
  });

  it('derives a distinct problem type per code', () => {
    expect(problemType('SOLD_OUT')).toBe('urn:golden-ticket-drop:problem:sold-out');
    expect(problemType('SOLD_OUT')).not.toBe(problemType('INSUFFICIENT_STOCK'));
  });
});
