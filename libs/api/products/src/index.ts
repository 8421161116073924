export * from './lib/inventory-etag';
export * from './lib/poll-interval';
export * from './lib/product.dto';
export * from './lib/products.module';
