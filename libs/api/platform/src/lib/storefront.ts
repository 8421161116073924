import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { API_PATH_ROOTS } from '@gtd/shared-contracts';
import { static as serveFiles } from 'express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Angular's production build names files by content hash, so they never change under one name. */
const HASHED_ASSET = /-[A-Z0-9]{8,}\.(js|css|woff2?)$/;

/**
 * Serves the storefront's production build from the API's origin. Files are served as they are;
 * a browser navigation (GET/HEAD asking for HTML) to any non-API path gets index.html, so deep
 * links like /drops/1 survive a reload; `/` is the page for every client. API clients asking for JSON at an unknown path still get
 * the API's 404 problem answer, never the page.
 *
 * Registered on Express before Nest's router so a static file costs no Nest pipeline.
 */
export function serveStorefront(app: NestExpressApplication, root: string): boolean {
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    new Logger('Storefront').warn(`No storefront build at ${root}; serving the API only (npx nx build web)`);
    return false;
  }
  const apiRoots = new Set(API_PATH_ROOTS);
  app.use(
    serveFiles(root, {
      index: false,
      setHeaders: (res, path) =>
        res.setHeader(
          'Cache-Control',
          HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'public, max-age=300',
        ),
    }),
  );
  app.use((req: Request, res: Response, next: NextFunction) => {
    const firstSegment = req.path.split('/')[1] ?? '';
    const wantsPage =
      (req.method === 'GET' || req.method === 'HEAD') &&
      !apiRoots.has(firstSegment) &&
      (req.path === '/' || req.accepts(['json', 'html']) === 'html');
    if (!wantsPage) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
  return true;
}
