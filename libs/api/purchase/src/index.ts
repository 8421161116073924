export * from './lib/idempotency-key';
export * from './lib/purchase.dto';
export * from './lib/purchase.module';
export * from './lib/purchase.options';
