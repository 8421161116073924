// The test scaffolding the bench shares with the e2e specs: `@gtd/testing` (libs/testing), which
// is TypeScript. ts-node compiles it as it is loaded (transpile only: its types are checked by its
// own lint and by `npx tsc -p tools/bench`), and tsconfig-paths resolves the workspace's `@gtd/…`
// imports from tsconfig.base.json, as Jest does for the specs.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

require('ts-node').register({
  transpileOnly: true,
  project: join(ROOT, 'libs/testing/tsconfig.lib.json'),
});
const { compilerOptions } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.base.json'), 'utf8'));
require('tsconfig-paths').register({ baseUrl: ROOT, paths: compilerOptions.paths });

/** @type {typeof import('../../../libs/testing/src/index.js')} */
const testing = require('@gtd/testing');

export default testing;

/** The API's shared vocabulary (routes, sizes), for bench clients that speak the API's contract. */
/** @type {typeof import('../../../libs/shared/contracts/src/index.js')} */
export const contracts = require('@gtd/shared-contracts');
