export * from './lib/dto';
export * from './lib/error-codes';
export * from './lib/routes';
export * from './lib/environment';
export * from './lib/queue';
export * from './lib/tickets';
export * from './lib/storefront-pages';
