import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessTokenVerifier, type Actor } from '@pigeon/application';
import { PigeonError } from '@pigeon/domain';
import type { Request } from 'express';

import { IS_PUBLIC } from './public.decorator';

export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

const BEARER = /^Bearer ([A-Za-z0-9_\-.~+/]+=*)$/;

/** Global guard: every route needs a valid bearer token unless it is marked `@Public()`. */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) {
      return true;
    }

    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    if (header === undefined) {
      throw new PigeonError('unauthenticated', 'missing Authorization header');
    }

    const match = BEARER.exec(header);
    if (match?.[1] === undefined) {
      throw new PigeonError('unauthenticated', 'Authorization header must be "Bearer <token>"');
    }

    request.actor = await this.verifier.verify(match[1]);

    return true;
  }
}
