import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// Browser tests against a real `pigeon dev`: Node environment, one file at a
// time, and time for the embedded database and the provider to start.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/**/*.spec.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 90_000,
  },
});
