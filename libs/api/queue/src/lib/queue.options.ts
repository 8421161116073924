import { ConfigurableModuleBuilder } from '@nestjs/common';

export interface QueueModuleOptions {
  /** HMAC key of tickets and passes (QUEUE_SECRET); unset: one generated once and kept in the store. */
  secret?: string;
  /** The `pollAfterMs` of the queue's status (POLL_INTERVAL_MS, at least 1 s). */
  statusPollMs: number;
  /** Anonymous joins a minute per client address; 0 turns the limit off. */
  joinRateLimitPerMinute: number;
  /** The throttler's shared storage (Redis) when the limit must hold across instances. */
  rateLimitRedis?: { url: string; keyPrefix: string };
}

export const { ConfigurableModuleClass: ConfigurableQueueModule, MODULE_OPTIONS_TOKEN: QUEUE_OPTIONS } =
  new ConfigurableModuleBuilder<QueueModuleOptions>().setClassMethodName('forRoot').build();
