import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger as Pino } from 'pino';

/**
 * Logs one line per finished request: `request completed` at info, or
 * `request errored` at error for a 5xx status, with the request id, method,
 * URL, status and duration in milliseconds. Health probes are left out, because
 * they arrive every few seconds and carry nothing new. The lines go through the
 * root logger: a child logger per request (as pino-http makes) cost two
 * loggers and about 10 kB of garbage for every request.
 */
export function requestLogMiddleware(logger: Pino): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!logger.isLevelEnabled('error') || request.url.startsWith('/health')) {
      next();

      return;
    }

    const startedAt = performance.now();
    response.once('finish', () => {
      const failed = response.statusCode >= 500;
      if (!failed && !logger.isLevelEnabled('info')) {
        return;
      }

      const fields = {
        requestId: request.headers['x-request-id'],
        req: { method: request.method, url: request.url },
        res: { statusCode: response.statusCode },
        responseTime: Math.round(performance.now() - startedAt),
      };
      if (failed) {
        logger.error(fields, 'request errored');
      } else {
        logger.info(fields, 'request completed');
      }
    });
    next();
  };
}
