export * from './lib/api-purchase.module';
