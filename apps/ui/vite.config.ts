import { fileURLToPath } from 'node:url';

import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

const apiServerUrl = 'http://127.0.0.1:3000';

// Paths served by the Pigeon API server. The Host header is passed through
// unchanged (no changeOrigin), as the nginx config in docker/ does.
const apiPaths = ['/api', '/admin', '/health', '/metrics'];

export default defineConfig({
  // Pinned to this folder so that dist/ lands in apps/ui whatever the working directory.
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [vue()],
  server: {
    host: '127.0.0.1',
    port: 5173,
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: apiServerUrl }])),
  },
  preview: {
    host: '127.0.0.1',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'happy-dom',
    // The API client is bound to the page's origin, which happy-dom's default about:blank lacks.
    environmentOptions: { happyDOM: { url: 'http://127.0.0.1:3000/' } },
    include: ['src/**/*.test.ts'],
  },
});
