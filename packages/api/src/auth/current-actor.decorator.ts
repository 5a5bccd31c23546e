import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor } from '@pigeon/application';

import type { AuthenticatedRequest } from './jwt-auth.guard';

/** The caller established by `JwtAuthGuard`. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<AuthenticatedRequest>().actor;
  if (actor === undefined) {
    // Reaching a handler without an actor means a route lost its guard: fail closed.
    throw new Error('route handler requires an authenticated actor');
  }

  return actor;
});
