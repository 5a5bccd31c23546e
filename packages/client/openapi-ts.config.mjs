// Configuration of @hey-api/openapi-ts for `just client`: a typed fetch client
// generated from the committed OpenAPI document into src/generated.
import { defineConfig } from '@hey-api/openapi-ts';

export default defineConfig({
  input: '../../docs/openapi.json',
  output: {
    // The drift test generates into a temporary folder and compares it with src/generated.
    path: process.env.PIGEON_CLIENT_OUTPUT ?? 'src/generated',
    // Relative imports end in .js, as Node's ES module loader requires.
    module: { extension: '.js' },
    // Stable output: no formatter or linter from the machine that happens to run it.
    postProcess: [],
  },
  plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
});
