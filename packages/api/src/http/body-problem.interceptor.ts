import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';

import type { PigeonRequest } from './body-parsing';

/** Raises a body parse failure recorded by `jsonBodyParser`, once guards have run. */
@Injectable()
export class BodyProblemInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<PigeonRequest>();
    if (request.bodyProblem !== undefined) {
      throw request.bodyProblem;
    }

    return next.handle();
  }
}
