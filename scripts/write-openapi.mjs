// Writes docs/openapi.json, the OpenAPI document of the compiled server.
// Build first (`pnpm exec tsc -b`); `just openapi` does both.
// With --check, writes nothing and exits 1 when docs/openapi.json is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'docs', 'openapi.json');
const require = createRequire(import.meta.url);
const { renderOpenApiJson } = require(join(root, 'apps', 'server', 'dist', 'openapi.js'));

const rendered = await renderOpenApiJson();

if (process.argv.includes('--check')) {
  let committed = '';
  try {
    committed = readFileSync(target, 'utf8');
  } catch {
    // A missing file is out of date like any other.
  }
  if (committed !== rendered) {
    console.error('docs/openapi.json is out of date: run `just openapi` and commit the result.');
    process.exit(1);
  }
  console.log('docs/openapi.json is up to date.');
} else {
  writeFileSync(target, rendered);
  console.log(`wrote ${target}`);
}
