import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger as PinoNestLogger } from 'nestjs-pino';

import { ApiModule, type ApiModuleOptions } from './api.module';
import { jsonBodyParser, requestIdMiddleware } from './http/body-parsing';

/** Largest request body accepted, in bytes (2 MiB, as the original server). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/**
 * Builds the Nest application with Pigeon's HTTP conventions: request ids, JSON
 * bodies kept as text, JSON errors everywhere. The caller listens and closes it.
 */
export async function createHttpApp(options: ApiModuleOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });

  app.useLogger(app.get(PinoNestLogger));
  app.use(requestIdMiddleware());
  app.use(jsonBodyParser(MAX_BODY_BYTES));
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  await app.init();

  // Errors that escape Nest (there should be none) still get the JSON error body.
  app.use((error: unknown, _request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);

      return;
    }
    response.status(500).type('application/json').send(JSON.stringify({ error: 'internal error', code: 'internal_error' }));
  });

  return app;
}
