import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs = new Set<string>();

/** A fresh private folder under the OS temp dir, removed by `removeTempDirs()` (and `cleanup()`). */
export function makeTempDir(label = 'gtd-e2e'): string {
  const dir = mkdtempSync(join(tmpdir(), `${label}-`));
  tempDirs.add(dir);
  return dir;
}

/** Removes every folder `makeTempDir` created. */
export function removeTempDirs(): void {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
