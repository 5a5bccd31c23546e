import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { isUuid } from '@pigeon/domain';
import { validateSync, type ValidationError } from 'class-validator';

import { HttpProblem } from './error-body';

function describeErrors(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) => text.replace(error.property, path));

    return [...own, ...describeErrors(error.children ?? [], `${path}.`)];
  });
}

/**
 * Keys never copied from a body. `__proto__` would replace the DTO's
 * prototype, and class-validator finds a DTO's rules through `constructor`,
 * so a body field of that name would switch validation off.
 */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Copies the body's fields onto a new DTO, one level deep. The DTOs declare
 * flat fields, so a deep copy (as class-transformer's plainToInstance makes)
 * would only copy payloads and schemas, which are used as the client wrote
 * them.
 */
function toDto(metatype: new () => object, body: object): object {
  const dto = new metatype() as Record<string, unknown>;
  for (const [key, field] of Object.entries(body)) {
    if (!UNSAFE_KEYS.has(key)) {
      dto[key] = field;
    }
  }

  return dto;
}

/**
 * Validates a JSON body against its DTO class. Types are checked as sent: no
 * implicit conversion, so `"1"` is not a version. Unknown fields are ignored.
 */
@Injectable()
export class BodyValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' || metadata.metatype === undefined || metadata.metatype === Object) {
      return value;
    }

    const body = value === undefined ? {} : value;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw HttpProblem.badRequest('request body must be a JSON object');
    }

    const dto = toDto(metadata.metatype as new () => object, body);
    const errors = validateSync(dto, { forbidUnknownValues: false });
    if (errors.length > 0) {
      throw HttpProblem.badRequest(`validation error: ${describeErrors(errors).join('; ')}`);
    }

    return dto;
  }
}

/** Path parameter that must be a UUID. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!isUuid(value)) {
      throw HttpProblem.badRequest(`${metadata.data ?? 'id'} must be a UUID`);
    }

    return value.toLowerCase();
  }
}

export interface PageQuery {
  offset: number;
  limit: number;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

function parseNonNegativeInteger(name: string, raw: unknown, fallback: number, max: number): number {
  if (raw === undefined) {
    return fallback;
  }
  if (typeof raw !== 'string' || !/^\d{1,16}$/.test(raw)) {
    throw HttpProblem.badRequest(`${name} must be a non-negative integer`);
  }

  const value = Number(raw);
  if (value > max) {
    throw HttpProblem.badRequest(`${name} must be at most ${max}`);
  }

  return value;
}

/** Reads `offset` and `limit`; `limit` above the maximum is rejected rather than silently cut. */
export function parsePage(query: Record<string, unknown>, defaultLimit = DEFAULT_LIMIT): PageQuery {
  return {
    offset: parseNonNegativeInteger('offset', query.offset, 0, Number.MAX_SAFE_INTEGER),
    limit: parseNonNegativeInteger('limit', query.limit, defaultLimit, MAX_LIMIT),
  };
}

export function parseOptionalUuid(name: string, raw: unknown): string | null {
  if (raw === undefined || raw === '') {
    return null;
  }
  if (typeof raw !== 'string' || !isUuid(raw)) {
    throw HttpProblem.badRequest(`${name} must be a UUID`);
  }

  return raw.toLowerCase();
}

export function parseOptionalText(name: string, raw: unknown, maxLength = 256): string | null {
  if (raw === undefined) {
    return null;
  }
  if (typeof raw !== 'string' || raw.length > maxLength || raw.includes('\u0000')) {
    throw HttpProblem.badRequest(`${name} must be text of at most ${maxLength} characters`);
  }

  return raw;
}
