import { Module } from '@nestjs/common';
import { PurchaseController } from './purchase.controller';

/** POST /buy and order look-up. Needs InventoryModule registered at the root. */
@Module({ controllers: [PurchaseController] })
export class PurchaseModule {}
