export * from './lib/config/drop-config';
export * from './lib/products/products-client';
export * from './lib/inventory/inventory-state';
export * from './lib/inventory/inventory-poller';
export * from './lib/purchase/purchase-outcome';
export * from './lib/purchase/purchase-client';
