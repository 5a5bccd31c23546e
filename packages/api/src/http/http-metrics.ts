import type { Metrics } from '@pigeon/application';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { routeLabel } from './route-table';

/**
 * Records each completed request's method, route pattern, status and duration.
 * The route is read when the response finishes, after routing has run.
 * Requests whose client went away before the response was sent are not counted.
 */
export function httpMetricsMiddleware(metrics: Metrics): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    const startedAt = process.hrtime.bigint();

    response.once('finish', () => {
      metrics.httpRequestFinished({
        method: request.method,
        route: routeLabel(request),
        status: response.statusCode,
        durationSeconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
      });
    });
    next();
  };
}
