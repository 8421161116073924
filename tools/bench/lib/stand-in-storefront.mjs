// The storefront build the bench's servers serve instead of the Angular one.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A small stand-in for the Angular build, so the servers run their storefront serving as in
 * production (on Express it sits in front of every request) without building the web app.
 * @param {string} dir
 */
export function writeStandInStorefront(dir) {
  mkdirSync(join(dir, 'media'), { recursive: true });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html lang="en"><title>Bench</title><script src="main-BENCH0001.js"></script></html>',
  );
  writeFileSync(join(dir, 'main-BENCH0001.js'), 'console.log("bench");');
  writeFileSync(join(dir, 'media', 'logo-BENCH0002.woff2'), '');
  return dir;
}
