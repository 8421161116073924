export * from './lib/operations.module';
export * from './lib/health-report';
