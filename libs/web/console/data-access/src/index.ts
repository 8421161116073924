export * from './lib/operator-session';
export * from './lib/operator-token';
export * from './lib/admin-client';
