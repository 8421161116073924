import type { Product } from '@gtd/shared-contracts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './temp';

/** One entry of a `CATALOG` file, as the API reads it into a fresh store. */
export type CatalogEntry = Pick<Product, 'id' | 'name' | 'description' | 'price' | 'currency' | 'stock'> &
  Partial<Pick<Product, 'startsAt' | 'endsAt' | 'perBuyerLimit'>>;

/** Writes a catalogue (an array, or any raw text for malformed variants) and returns its path. */
export function writeCatalog(
  dir: string,
  catalog: readonly CatalogEntry[] | string,
  name = 'catalog.json',
): string {
  const path = join(dir, name);
  writeFileSync(path, typeof catalog === 'string' ? catalog : JSON.stringify(catalog, null, 2));
  return path;
}

/** Writes a catalogue to a fresh temp folder (removed by `removeTempDirs`) and returns its path. */
export function writeTestCatalog(catalog: readonly CatalogEntry[]): string {
  return writeCatalog(makeTempDir('gtd-catalog'), catalog);
}

/** A catalogue of products with the given stocks, ids 1, 2, … */
export function catalogWithStocks(...stocks: number[]): CatalogEntry[] {
  return stocks.map((stock, index) => ({
    id: index + 1,
    name: index === 0 ? 'Golden Ticket' : `Product ${index + 1}`,
    description: `E2E product ${index + 1}`,
    price: 5000 + index,
    currency: 'EUR',
    stock,
  }));
}

/** The files of one drop in a fresh temp folder: the catalogue written there and a SQLite path beside it. */
export interface DropFiles {
  dir: string;
  catalogPath: string;
  sqlitePath: string;
}

export function dropFiles(catalog: readonly CatalogEntry[]): DropFiles {
  const dir = makeTempDir();
  return { dir, catalogPath: writeCatalog(dir, catalog), sqlitePath: join(dir, 'drop.sqlite') };
}
