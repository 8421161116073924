export * from './lib/api-products.module';
