import { plainToInstance } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { readFileSync } from 'node:fs';

/** One product of a catalogue file. Prices are integers in the currency's minor unit. */
export class CatalogEntry {
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  id!: number;

  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description = '';

  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  price!: number;

  @Matches(/^[A-Z]{3}$/, {
    message: 'currency must be a three-letter ISO 4217 code such as EUR',
  })
  currency!: string;

  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  stock!: number;
}

export class CatalogError extends Error {
  constructor(source: string, problem: string) {
    super(`Catalogue ${source}: ${problem}`);
    this.name = 'CatalogError';
  }
}

/** Validates parsed catalogue JSON; the error names the entry and the field at fault. */
export function parseCatalog(json: unknown, source: string): CatalogEntry[] {
  if (!Array.isArray(json)) throw new CatalogError(source, 'must be a JSON array of products');
  if (json.length === 0) throw new CatalogError(source, 'holds no products');
  const seen = new Set<number>();
  return json.map((raw: unknown, index) => {
    const where = `entry ${index}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new CatalogError(source, `${where} must be an object`);
    }
    const entry = plainToInstance(CatalogEntry, raw, {
      exposeDefaultValues: true,
    });
    const errors = validateSync(entry, {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (errors.length > 0) {
      const id = (raw as { id?: unknown }).id;
      const label = typeof id === 'number' ? `${where} (id ${id})` : where;
      const reasons = errors.map((e) =>
        e.value === undefined ? `${e.property} is missing` : Object.values(e.constraints ?? {}).join(', '),
      );
      throw new CatalogError(source, `${label}: ${reasons.join('; ')}`);
    }
    if (seen.has(entry.id)) throw new CatalogError(source, `${where}: id ${entry.id} appears twice`);
    seen.add(entry.id);
    return entry;
  });
}

export function loadCatalogFile(path: string): CatalogEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CatalogError(path, `cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CatalogError(path, `is not valid JSON (${(error as Error).message})`);
  }
  return parseCatalog(json, path);
}
