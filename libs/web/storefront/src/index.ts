export * from './lib/storefront.routes';
export * from './lib/money/money';
export * from './lib/time/instant';
