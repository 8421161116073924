export * from './lib/adapters/memory-inventory-store';
export * from './lib/adapters/sqlite-inventory-store';
export * from './lib/catalog';
export * from './lib/create-store';
export * from './lib/inventory-store';
export * from './lib/inventory.module';
export * from './lib/inventory.options';
export * from './lib/inventory.service';
