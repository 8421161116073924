export * from './lib/storefront.routes';
