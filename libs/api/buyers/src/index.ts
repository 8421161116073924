export * from './lib/auth.dto';
export * from './lib/buyer-tokens';
export * from './lib/buyers.module';
export * from './lib/buyers.options';
export * from './lib/optional-buyer.guard';
