import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import { map, type Observable } from 'rxjs';

import type { PigeonRequest } from './body-parsing';
import { stringifyWithRawJson } from './raw-json';

/**
 * Raises a body parse failure recorded by `jsonBodyParser` once guards have
 * run, and sends controller results through `stringifyWithRawJson`. Both
 * steps share one interceptor because Nest binds an async resource for every
 * interceptor on every request.
 */
@Injectable()
export class JsonInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<PigeonRequest>();
    if (request.bodyProblem !== undefined) {
      throw request.bodyProblem;
    }
    const response = http.getResponse<Response>();

    return next.handle().pipe(
      map((body: unknown) => {
        if (body === undefined) {
          return body;
        }
        response.type('application/json');

        return stringifyWithRawJson(body);
      }),
    );
  }
}
