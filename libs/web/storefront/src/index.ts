export * from './lib/web-storefront/web-storefront';
