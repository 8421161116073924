import { Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { ContentCoding } from './content-coding';

/** One stored form of a file: as built, or one of its precompressed variants. */
export interface Representation {
  readonly coding: ContentCoding;
  readonly body: Buffer;
  /** Strong, from these very bytes: a cache holding the gzip copy must not take the br one for it. */
  readonly etag: string;
}

export interface BuildFile {
  readonly contentType: string;
  readonly cacheControl: string;
  readonly lastModified: string;
  /** The file as built. */
  readonly identity: Representation;
  /** `identity` always; `br` and `gzip` when the build step wrote them. */
  readonly representations: ReadonlyMap<ContentCoding, Representation>;
  readonly codings: ReadonlySet<ContentCoding>;
}

/** The storefront's production build, held in memory: every file by URL path, and index.html. */
export interface StorefrontBuild {
  readonly files: ReadonlyMap<string, BuildFile>;
  readonly page: BuildFile;
}

/** Angular's production build names files by content hash, so they never change under one name. */
const HASHED_ASSET = /-[A-Z0-9]{8,}\.(js|css|woff2?)$/;

/** Hashed assets forever; the page itself revalidated, so a new release is picked up at once. */
const cacheControl = (path: string) =>
  path === '/index.html'
    ? 'no-cache'
    : HASHED_ASSET.test(path)
      ? 'public, max-age=31536000, immutable'
      : 'public, max-age=300';

const TEXT = '; charset=utf-8';
/** What an Angular build holds; the rest goes out as bytes (and nosniff keeps browsers from guessing). */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': `text/html${TEXT}`,
  '.js': `text/javascript${TEXT}`,
  '.mjs': `text/javascript${TEXT}`,
  '.css': `text/css${TEXT}`,
  '.json': `application/json${TEXT}`,
  '.map': `application/json${TEXT}`,
  '.webmanifest': `application/manifest+json${TEXT}`,
  '.txt': `text/plain${TEXT}`,
  '.xml': `application/xml${TEXT}`,
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** The variants tools/build/precompress.mjs writes beside a file, and how to read them back. */
const VARIANTS: readonly { suffix: string; coding: ContentCoding; decode: (body: Buffer) => Buffer }[] = [
  { suffix: '.br', coding: 'br', decode: brotliDecompressSync },
  { suffix: '.gz', coding: 'gzip', decode: gunzipSync },
];

const logger = new Logger('Storefront');

function representation(coding: ContentCoding, body: Buffer): Representation {
  return { coding, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
}

/**
 * A file and the variants found beside it. A variant is checked against the file once, here: one
 * left over from another build (or cut short) would otherwise be served as this file to every
 * browser that accepts its coding. Decoding the whole build takes a few milliseconds; compressing
 * it is what the build step does, because that takes most of a second.
 */
function loadFile(file: string, urlPath: string, onDisk: ReadonlySet<string>): BuildFile {
  const body = readFileSync(file);
  const identity = representation('identity', body);
  const representations = new Map<ContentCoding, Representation>([['identity', identity]]);
  for (const { suffix, coding, decode } of VARIANTS) {
    if (!onDisk.has(urlPath + suffix)) continue;
    const encoded = readFileSync(file + suffix);
    let matches = false;
    try {
      matches = decode(encoded).equals(body);
    } catch {
      // Not even decodable: as stale as one that decodes to other bytes.
    }
    if (matches) representations.set(coding, representation(coding, encoded));
    else logger.warn(`${file}${suffix} is not ${urlPath} compressed; serving ${urlPath} without it`);
  }
  return {
    contentType: CONTENT_TYPES[extname(urlPath).toLowerCase()] ?? 'application/octet-stream',
    cacheControl: cacheControl(urlPath),
    lastModified: statSync(file).mtime.toUTCString(),
    identity,
    representations,
    codings: new Set(representations.keys()),
  };
}

/**
 * The build, read once at start: a build never changes while it is served, and reading per request
 * would put a stat and a read in libuv's thread pool each time, which password hashing may be
 * filling. An Angular build is a few hundred KB (×2 or so with its variants), held per process.
 * A variant (`main-….js.br`) is no URL of its own: it is a form of its file. Undefined without a
 * build (index.html missing): the API is served alone.
 */
export function loadStorefrontBuild(root: string): StorefrontBuild | undefined {
  if (!existsSync(join(root, 'index.html'))) {
    logger.warn(`No storefront build at ${root}; serving the API only (npx nx build web)`);
    return undefined;
  }
  const onDisk = new Map<string, string>(
    readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = join(entry.parentPath, entry.name);
        return [`/${relative(root, file).split(sep).join('/')}`, file];
      }),
  );
  const paths: ReadonlySet<string> = new Set(onDisk.keys());
  const isVariant = (path: string) =>
    VARIANTS.some(({ suffix }) => path.endsWith(suffix) && paths.has(path.slice(0, -suffix.length)));
  const files = new Map<string, BuildFile>();
  for (const [path, file] of onDisk) {
    if (!isVariant(path)) files.set(path, loadFile(file, path, paths));
  }
  const page = files.get('/index.html') as BuildFile;
  const unencoded = [...files]
    .filter(([, file]) => worthEncoding(file) && file.codings.size === 1)
    .map(([p]) => p);
  if (unencoded.length > 0) {
    logger.warn(
      `${unencoded.join(', ')} in ${root} have no .br/.gz beside them: served uncompressed ` +
        `(the web build writes them: npx nx build web)`,
    );
  }
  return { files, page };
}

/** Text of a size the build step compresses (it keeps no variant that saves nothing). */
function worthEncoding(file: BuildFile): boolean {
  const text = file.contentType.endsWith(TEXT) || file.contentType === 'image/svg+xml';
  return text && file.identity.body.length >= 1024;
}
