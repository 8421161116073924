import { BuyersModule } from '@gtd/api-buyers';
import { QueueModule } from './lib/queue.module';

/**
 * The modules a feature spec registers when its feature stands on the waiting room (the pass check
 * on `POST /buy`, the operator's queue routes, the queue metrics): the queue, and the buyer tokens
 * it stands on. No join limit, so specs join as fast as they like.
 */
export function waitingRoomModules() {
  return [
    BuyersModule.forRoot({ tokenTtlSeconds: 3600 }),
    QueueModule.forRoot({ joinRateLimitPerMinute: 0, statusPollMs: 1000 }),
  ];
}
