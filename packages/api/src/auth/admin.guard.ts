import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { PigeonError } from '@pigeon/domain';

import { AdminOrganization } from './admin-organization';
import type { AuthenticatedRequest } from './jwt-auth.guard';

/**
 * Lets through callers of the admin organization only. It runs after the global
 * `JwtAuthGuard`, so an unauthenticated request has already been rejected with 401.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(private readonly admin: AdminOrganization) {}

  canActivate(context: ExecutionContext): boolean {
    if (this.admin.id === null) {
      throw new PigeonError('forbidden', 'admin API is not configured');
    }

    // A missing actor means a route lost its authentication: fail closed.
    const { actor } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (actor === undefined || actor.orgId !== this.admin.id) {
      throw new PigeonError('forbidden', 'not authorized for admin access');
    }

    return true;
  }
}
