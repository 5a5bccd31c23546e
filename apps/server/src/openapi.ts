import type { INestApplication } from '@nestjs/common';
import { createHttpApp, createOpenApiDocument } from '@pigeon/api';

import { loadConfig } from './config/config';
import { createLogger, httpAppOptions } from './processes';
import { buildRuntime } from './runtime';
import { PIGEON_VERSION } from './version';

// Never connected to: the runtime is built for its wiring only, and its pool is never opened.
const UNUSED_DATABASE_URL = 'postgres://openapi.invalid/pigeon';

/** The HTTP app of `pigeon serve`, created but not listening and without a database. */
export interface OfflineHttpApp {
  readonly app: INestApplication;
  close(): Promise<void>;
}

/**
 * Creates the HTTP app from the real composition root without opening a
 * database connection, for reading its routes and OpenAPI document. A request
 * that reached a handler would fail, so the app never listens.
 */
export async function createOfflineHttpApp(): Promise<OfflineHttpApp> {
  const config = loadConfig({ DATABASE_URL: UNUSED_DATABASE_URL });
  const logger = createLogger('silent');
  const runtime = buildRuntime(config, logger, 'pigeon-openapi');
  const app = await createHttpApp(httpAppOptions(runtime, logger));

  return {
    app,
    async close() {
      await app.close();
      runtime.sender.close();
    },
  };
}

/**
 * Formats an OpenAPI document the way `docs/openapi.json` is committed:
 * two-space indentation and a final newline, keys in the document's order.
 */
export function formatOpenApiJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Renders the OpenAPI document that `pigeon serve` serves at `/api/openapi.json`. */
export async function renderOpenApiJson(): Promise<string> {
  const offline = await createOfflineHttpApp();

  try {
    return formatOpenApiJson(createOpenApiDocument(offline.app, PIGEON_VERSION));
  } finally {
    await offline.close();
  }
}
