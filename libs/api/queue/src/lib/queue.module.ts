import { Global, Module } from '@nestjs/common';
import { getOptionsToken, getStorageToken } from '@nestjs/throttler';
import { createThrottlerStorage } from '@gtd/api-platform';
import { AdmissionLeader } from './admission-leader';
import { JoinThrottlerGuard, joinThrottlerOptions } from './join-throttler.guard';
import { ProofOfWork } from './proof-of-work';
import { QueueController } from './queue.controller';
import { ConfigurableQueueModule, QUEUE_OPTIONS, QueueModuleOptions } from './queue.options';
import { QueuePassGate } from './queue-pass-gate';
import { QueuePositions } from './queue-positions';
import { QueueService } from './queue.service';
import { QueueSettingsCache } from './queue-settings-cache';
import { QueueStatusBoard } from './queue-status-board';
import { QueueTokens } from './queue-tokens';

/**
 * The waiting room: `/products/{id}/queue…` for visitors, the admission loop, and the pass check
 * `POST /buy` makes. Global (register once with `forRoot`) so the purchase and operator features
 * inject the gate and the figures. Needs InventoryModule and BuyersModule registered at the root.
 */
@Global()
@Module({
  controllers: [QueueController],
  providers: [
    // The join limiter's own options and storage, scoped to this module (not exported).
    { provide: getOptionsToken(), inject: [QUEUE_OPTIONS], useFactory: joinThrottlerOptions },
    {
      provide: getStorageToken(),
      inject: [QUEUE_OPTIONS],
      useFactory: (options: QueueModuleOptions) =>
        createThrottlerStorage(options.rateLimitRedis, options.joinRateLimitPerMinute > 0),
    },
    JoinThrottlerGuard,
    QueueSettingsCache,
    QueueTokens,
    QueuePositions,
    QueueStatusBoard,
    ProofOfWork,
    QueueService,
    QueuePassGate,
    AdmissionLeader,
  ],
  exports: [QueuePassGate, QueueSettingsCache, QueueStatusBoard],
})
export class QueueModule extends ConfigurableQueueModule {}
