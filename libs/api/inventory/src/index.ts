export * from './lib/api-inventory.module';
