export * from './lib/queue.module';
export * from './lib/queue.options';
export * from './lib/queue-pass-gate';
export * from './lib/queue-settings-cache';
export * from './lib/queue-status-board';
export { QUEUE_DEFAULTS } from './lib/queue-rules';
export { AdmissionLeader } from './lib/admission-leader';
