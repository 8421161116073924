import { Module } from '@nestjs/common';
import { InventoryAnswers } from './inventory-answer';
import { InventoryFeed } from './inventory-feed';
import { PollPolicy } from './poll-policy';
import { ProductsController } from './products.controller';

/**
 * Catalogue and live inventory reads: the polled count (ETag, cache headers, suggested interval)
 * and its SSE stream. Needs InventoryModule registered at the root; uses the app's ConfigService
 * (POLL_INTERVAL_MS) and MetricsRegistry when they are there.
 */
@Module({ controllers: [ProductsController], providers: [PollPolicy, InventoryFeed, InventoryAnswers] })
export class ProductsModule {}
