import { join, resolve } from 'node:path';

/** The workspace root, whatever directory the runner was started from. */
export const WORKSPACE_ROOT = resolve(__dirname, '../../../..');

/** The production build of the API (`npx nx run api:build`), the one thing every harness runs. */
export const API_MAIN = join(WORKSPACE_ROOT, 'dist/apps/api/main.js');

/** The production build of the storefront (`npx nx run web:build`), served by the API. */
export const STOREFRONT_ROOT = join(WORKSPACE_ROOT, 'dist/apps/web/browser');
