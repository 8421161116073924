import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogDropRules, CatalogError, loadCatalogFile, parseCatalog } from './catalog';

const valid = {
  id: 1,
  name: 'Golden Ticket',
  description: 'A tour',
  price: 5000,
  currency: 'EUR',
  stock: 100,
};

describe('catalogue', () => {
  it('accepts a valid catalogue and defaults the description', () => {
    const noDescription: Partial<typeof valid> = { ...valid };
    delete noDescription.description;
    expect(parseCatalog([valid, { ...noDescription, id: 2 }], 'test')).toEqual([
      valid,
      { ...noDescription, id: 2, description: '' },
    ]);
  });

  it('accepts a scheduled, limited drop and turns it into stored rules', () => {
    const scheduled = {
      ...valid,
      startsAt: '2030-01-01T10:00:00.000Z',
      endsAt: '2030-01-01T12:00:00+01:00',
      perBuyerLimit: 2,
    };
    const [entry] = parseCatalog([scheduled], 'test');
    expect(entry).toEqual(scheduled);
    expect(catalogDropRules(entry)).toEqual({
      startsAtMs: Date.parse('2030-01-01T10:00:00.000Z'),
      endsAtMs: Date.parse('2030-01-01T11:00:00.000Z'),
      paused: false,
      perBuyerLimit: 2,
    });
    expect(catalogDropRules(parseCatalog([valid], 'test')[0])).toEqual({
      startsAtMs: null,
      endsAtMs: null,
      paused: false,
      perBuyerLimit: null,
    });
  });

  it.each([
    ['a startsAt that is no date', [{ ...valid, startsAt: 'tomorrow' }], /startsAt must be a valid ISO 8601/],
    [
      'an endsAt not after startsAt',
      [{ ...valid, startsAt: '2030-01-01T10:00:00Z', endsAt: '2030-01-01T10:00:00Z' }],
      /entry 0 \(id 1\): endsAt must be after startsAt/,
    ],
    ['a week date', [{ ...valid, endsAt: '2030-W01-1' }], /endsAt must be a calendar date-time/],
    ['a perBuyerLimit of 0', [{ ...valid, perBuyerLimit: 0 }], /perBuyerLimit must not be less than 1/],
    ['not an array', { products: [] }, /must be a JSON array/],
    ['empty', [], /holds no products/],
    ['an entry that is not an object', [1], /entry 0 must be an object/],
    ['a negative stock', [{ ...valid, stock: -1 }], /entry 0 \(id 1\): stock must not be less than 0/],
    ['a fractional price', [{ ...valid, price: 9.99 }], /price must be an integer/],
    ['a missing name', [{ ...valid, name: undefined }], /entry 0 \(id 1\): name is missing$/],
    ['a lower-case currency', [{ ...valid, currency: 'eur' }], /currency must be a three-letter/],
    ['a string id', [{ ...valid, id: '1' }], /id must be an integer/],
    ['an unknown field', [{ ...valid, stok: 5 }], /property stok should not exist/],
    ['a duplicate id', [valid, { ...valid }], /entry 1: id 1 appears twice/],
  ])('refuses %s, naming the problem', (_case, json, message) => {
    expect(() => parseCatalog(json, 'catalog.json')).toThrow(CatalogError);
    expect(() => parseCatalog(json, 'catalog.json')).toThrow(message);
  });

  describe('from a file', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gtd-catalog-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names the file when it is missing or not JSON', () => {
      const missing = join(dir, 'missing.json');
      expect(() => loadCatalogFile(missing)).toThrow(`Catalogue ${missing}: cannot be read (ENOENT)`);
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, '[{"id": 1,');
      expect(() => loadCatalogFile(broken)).toThrow(/broken\.json: is not valid JSON/);
    });

    it('loads the catalogue shipped with the app', () => {
      const shipped = loadCatalogFile(join(__dirname, '../../../../../apps/api/src/assets/catalog.json'));
      expect(shipped[0]).toMatchObject({ id: 1, name: 'Golden Ticket' });
      expect(shipped.length).toBeGreaterThanOrEqual(3);
    });
  });
});
