import { Module } from '@nestjs/common';
import { ProductsController } from './products.controller';

/** Catalogue and live inventory reads. Needs InventoryModule registered at the root. */
@Module({ controllers: [ProductsController] })
export class ProductsModule {}
