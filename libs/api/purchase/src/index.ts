export * from './lib/purchase.dto';
export * from './lib/purchase.module';
