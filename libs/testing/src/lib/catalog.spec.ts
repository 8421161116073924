import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { catalogWithStocks, dropFiles, writeCatalog } from './catalog';
import { tally } from './http';
import { freePort } from './ports';
import { makeTempDir, removeTempDirs } from './temp';

afterAll(removeTempDirs);

describe('catalogues', () => {
  it('numbers the products from 1 with the given stocks', () => {
    expect(catalogWithStocks(5, 0).map(({ id, name, stock }) => ({ id, name, stock }))).toEqual([
      { id: 1, name: 'Golden Ticket', stock: 5 },
      { id: 2, name: 'Product 2', stock: 0 },
    ]);
  });

  it('writes an array as JSON and raw text as it is', () => {
    const dir = makeTempDir('gtd-testing-spec');
    expect(JSON.parse(readFileSync(writeCatalog(dir, catalogWithStocks(1)), 'utf8'))).toHaveLength(1);
    expect(readFileSync(writeCatalog(dir, '[{', 'bad.json'), 'utf8')).toBe('[{');
  });

  it('puts a drop’s catalogue and SQLite file side by side in a fresh folder', () => {
    const files = dropFiles(catalogWithStocks(3));
    expect(dirname(files.catalogPath)).toBe(files.dir);
    expect(dirname(files.sqlitePath)).toBe(files.dir);
    expect(dropFiles([]).dir).not.toBe(files.dir);
  });
});

describe('small helpers', () => {
  it('tallies values for readable assertion failures', () => {
    expect(tally([201, 201, 409, undefined])).toEqual({ '201': 2, '409': 1, undefined: 1 });
  });

  it('finds a port that can be bound', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThan(65536);
  });
});
