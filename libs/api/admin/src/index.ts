export * from './lib/admin-token.guard';
export * from './lib/admin.dto';
export * from './lib/admin.module';
export * from './lib/admin.options';
export * from './lib/audit-log';
export * from './lib/queue-settings.dto';
