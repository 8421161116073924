export * from './lib/tickets.module';
export * from './lib/tickets.options';
export * from './lib/tickets.service';
export * from './lib/tickets.dto';
