import { type INestApplication, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Express, NextFunction, Request, Response } from 'express';
import { Logger as PinoNestLogger } from 'nestjs-pino';

import { ApiModule, type ApiModuleOptions } from './api.module';
import { jsonBodyParser, requestIdMiddleware } from './http/body-parsing';
import { answerClientErrorsWithJson } from './http/client-errors';
import { sendHttpError } from './http/error-filter';
import { httpMetricsMiddleware } from './http/http-metrics';
import { createOpenApiDocument, OPENAPI_JSON_PATH } from './http/openapi-document';
import { requestContextMiddleware } from './http/request-context';
import { requestLogMiddleware } from './http/request-log';
import { webConsoleMiddleware } from './http/web-console';

/** Largest request body accepted, in bytes (2 MiB, as the original server). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Everything `createHttpApp` needs: the API module's dependencies and the server version. */
export interface HttpAppOptions extends ApiModuleOptions {
  /** Server version, shown in the OpenAPI document. */
  readonly version: string;
  /** Folder of the built web console to serve next to the API; none serves the API alone. */
  readonly staticDir?: string;
}

/**
 * Builds the Nest application with Pigeon's HTTP conventions: request ids, JSON
 * bodies kept as text, JSON errors everywhere. The caller listens and closes it.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(options), {
    bodyParser: false,
    bufferLogs: true,
  });

  app.useLogger(app.get(PinoNestLogger));
  app.use(httpMetricsMiddleware(options.metrics));
  app.use(requestIdMiddleware());
  app.use(requestContextMiddleware());
  app.use(requestLogMiddleware(options.logger));
  app.use(jsonBodyParser(MAX_BODY_BYTES));
  answerClientErrorsWithJson(app.getHttpServer());
  app.getHttpAdapter().getInstance().disable('x-powered-by');

  // Served by Express directly, ahead of Nest's not-found handler that init() installs:
  // the route is public and stays out of the document it serves.
  const openApiJson = JSON.stringify(createOpenApiDocument(app, options.version));
  const express: Express = app.getHttpAdapter().getInstance();
  express.get(OPENAPI_JSON_PATH, (_request: Request, response: Response) => {
    response.type('application/json').send(openApiJson);
  });
  if (options.staticDir !== undefined) {
    express.use(webConsoleMiddleware(options.staticDir));
  }
  await app.init();

  // Nest's exception layer also handles Express errors, such as a path parameter with
  // an invalid percent-encoding. Anything that still escapes gets the JSON error body.
  const logger = new Logger('HttpApp');
  app.use((error: unknown, request: Request, response: Response, next: NextFunction) => {
    if (response.headersSent) {
      next(error);

      return;
    }
    sendHttpError(logger, error, request, response);
  });

  return app;
}
