import { applyDecorators } from '@nestjs/common';
import { ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';

import { ErrorBody } from '../dto/error-body.dto';
import { DEFAULT_LIMIT, MAX_LIMIT } from './validation';

/** HTTP statuses that carry the JSON error body and that a route may declare. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 503;

const ERROR_DESCRIPTIONS: Record<ErrorStatus, string> = {
  400: 'Invalid path or query parameter, malformed JSON, or a field or rule violated (`bad_request`).',
  401: 'Bearer token missing, malformed or not accepted (`unauthorized`).',
  403: 'Token accepted, but its organization may not do this (`forbidden`).',
  404: 'Not found, or owned by another organization (`not_found`).',
  409: 'The `version` sent is not the current one, or the current state forbids the change (`conflict`).',
  413: 'Request body larger than 2 MiB (`payload_too_large`).',
  415: 'Request body not sent as `Content-Type: application/json` (`unsupported_media_type`).',
  503: 'Signing keys of the token issuer cannot be fetched (`service_unavailable`).',
};

/** Declares error responses with the `ErrorBody` schema and a standard description per status. */
export function ApiErrorResponses(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, description: ERROR_DESCRIPTIONS[status], type: ErrorBody })),
  );
}

/** Declares path parameters that must be UUIDs (`UuidPipe`). */
export function ApiUuidParams(...names: string[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...names.map((name) => ApiParam({ name, type: 'string', format: 'uuid' })));
}

/** Declares the `offset` and `limit` query parameters that `parsePage` reads. */
export function ApiPageQuery(defaultLimit = DEFAULT_LIMIT): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiQuery({
      name: 'offset',
      required: false,
      description: 'Number of items to skip.',
      schema: { type: 'integer', minimum: 0, default: 0 },
    }),
    ApiQuery({
      name: 'limit',
      required: false,
      description: 'Maximum number of items to return. Larger values are rejected with 400.',
      schema: { type: 'integer', minimum: 0, maximum: MAX_LIMIT, default: defaultLimit },
    }),
  );
}
