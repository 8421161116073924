export * from './lib/storefront.routes';
export * from './lib/money/money';
