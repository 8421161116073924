// Writes `<file>.br` and `<file>.gz` beside every compressible file of a build, at the highest
// quality node:zlib offers, for the API to serve to browsers that accept them (see
// libs/api/platform/src/lib/storefront-build.ts). Done once per build, not at start-up: brotli at
// quality 11 takes ≈ 0.6 s of CPU for the 350 KB main bundle, which every API process (each worker,
// each restart) would otherwise pay before it listens.
//
//   node tools/build/precompress.mjs dist/apps/web/browser
import { readdir, readFile, writeFile, rm } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** Text formats; images and fonts of the build are compressed already. */
const COMPRESSIBLE = new Set([
  '.js',
  '.mjs',
  '.css',
  '.html',
  '.svg',
  '.json',
  '.webmanifest',
  '.txt',
  '.map',
  '.xml',
]);

const codings = [
  {
    suffix: '.br',
    compress: (body) =>
      promisify(brotliCompress)(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      }),
  },
  {
    suffix: '.gz',
    compress: (body) => promisify(gzip)(body, { level: constants.Z_BEST_COMPRESSION }),
  },
];

async function precompress(root) {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && COMPRESSIBLE.has(extname(entry.name)))
    .map((entry) => join(entry.parentPath, entry.name));
  const written = await Promise.all(
    files.flatMap((file) =>
      codings.map(async ({ suffix, compress }) => {
        const body = await readFile(file);
        const encoded = await compress(body);
        // A variant no smaller than the file (a tiny one) would only cost the browser a decode.
        if (encoded.length >= body.length) {
          await rm(file + suffix, { force: true });
          return 0;
        }
        await writeFile(file + suffix, encoded);
        return 1;
      }),
    ),
  );
  return { files: files.length, variants: written.reduce((a, b) => a + b, 0) };
}

const root = process.argv[2];
if (!root) {
  console.error('usage: node tools/build/precompress.mjs <build folder>');
  process.exit(2);
}
const { files, variants } = await precompress(root);
console.log(`precompress: ${variants} .br/.gz variants of ${files} compressible files in ${root}`);
