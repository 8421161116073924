import { ApiRoutes } from '@gtd/shared-contracts';
import { catalogWithStocks, makeTempDir, send, useServer, WORKSPACE_ROOT } from '@gtd/testing';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Spectral's JSON output, one finding each (severity 0 = error, 1 = warning, 2 = info, 3 = hint). */
interface SpectralFinding {
  code: string;
  message: string;
  path: string[];
  severity: number;
}

const SPECTRAL = join(WORKSPACE_ROOT, 'node_modules/.bin/spectral');

/**
 * swagger-parser's validate() on the file, in a Node process of its own: its $ref parser ships as
 * an ES module, which Jest's CommonJS runtime cannot load. Prints OK, or the error and exits 1.
 */
const VALIDATE = `
import SwaggerParser from '@apidevtools/swagger-parser';
try { await SwaggerParser.validate(process.argv[1]); console.log('OK'); }
catch (error) { console.log(error.message); process.exit(1); }`;

/** Runs a command to its end: its exit code and output (a failing exit is a result, not an error). */
function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: WORKSPACE_ROOT, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/**
 * The served document is valid OpenAPI 3 (swagger-parser: the schema of the format, and every
 * `$ref` resolves) and Spectral's `spectral:oas` ruleset (.spectral.yaml) finds no error in it.
 */
describe('the served OpenAPI document', () => {
  const server = useServer(catalogWithStocks(1), {
    ADMIN_TOKEN: 'a'.repeat(24),
    METRICS_TOKEN: 'm'.repeat(24),
  });
  let file: string;

  beforeAll(async () => {
    const reply = await send(server.baseUrl, { path: ApiRoutes.openApiJson });
    expect(reply.status).toBe(200);
    file = join(makeTempDir('gtd-openapi'), 'openapi.json');
    writeFileSync(file, reply.text);
  });

  it('is valid OpenAPI (swagger-parser)', async () => {
    const validation = await run(process.execPath, ['--input-type=module', '-e', VALIDATE, file]);
    expect(validation.stdout.trim()).toBe('OK');
    expect(validation.code).toBe(0);
  });

  it('has no Spectral error or warning (spectral:oas)', async () => {
    const lint = await run(SPECTRAL, [
      'lint',
      file,
      '--ruleset',
      join(WORKSPACE_ROOT, '.spectral.yaml'),
      '--format',
      'json',
      '--quiet',
      '--fail-severity',
      'error',
    ]);
    const findings = JSON.parse(lint.stdout || '[]') as SpectralFinding[];
    const shown = findings.map(
      (f) => `${['error', 'warn', 'info', 'hint'][f.severity]} ${f.code} ${f.path.join('.')}: ${f.message}`,
    );
    // No error, and no warning either: each operation described, every tag declared, servers named.
    expect(shown).toEqual([]);
    expect({ code: lint.code, stderr: lint.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
