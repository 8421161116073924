export * from './lib/product.dto';
export * from './lib/products.module';
