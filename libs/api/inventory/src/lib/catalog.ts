import { plainToInstance } from 'class-transformer';
import {
  IsInt,
  IsISO8601,
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
import type { DropRules } from './inventory-store';

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

  /** ISO 8601: a drop the file schedules; purchases before it are NOT_STARTED. */
  @IsOptional()
  @IsISO8601({ strict: true })
  startsAt?: string;

  /** ISO 8601: purchases at or after it are ENDED. */
  @IsOptional()
  @IsISO8601({ strict: true })
  endsAt?: string;

  /** Most units one signed-in buyer may hold; absent: anyone may buy, signed in or not. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  perBuyerLimit?: number;
}

/** The rules a catalogue entry sets, as stored (a seeded drop starts unpaused). */
export function catalogDropRules(entry: CatalogEntry): DropRules {
  return {
    startsAtMs: entry.startsAt == null ? null : Date.parse(entry.startsAt),
    endsAtMs: entry.endsAt == null ? null : Date.parse(entry.endsAt),
    paused: false,
    perBuyerLimit: entry.perBuyerLimit ?? null,
  };
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
    const { startsAtMs, endsAtMs } = catalogDropRules(entry);
    // ISO 8601 has forms (week dates, ordinal days) that Date cannot read; refuse them here.
    for (const [field, ms] of [
      ['startsAt', startsAtMs],
      ['endsAt', endsAtMs],
    ] as const) {
      if (Number.isNaN(ms)) {
        throw new CatalogError(source, `${where} (id ${entry.id}): ${field} must be a calendar date-time`);
      }
    }
    if (startsAtMs !== null && endsAtMs !== null && endsAtMs <= startsAtMs) {
      throw new CatalogError(source, `${where} (id ${entry.id}): endsAt must be after startsAt`);
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
