import { PigeonError } from './errors';

/** Rejects blank text (whitespace only counts as blank) and returns the value unchanged. */
export function requireText(value: string, message: string): string {
  if (value.trim() === '') {
    throw PigeonError.validation(message);
  }

  return value;
}

/** Rejects text longer than `max` characters so a client cannot store unbounded strings. */
export function requireMaxLength(value: string, max: number, field: string): string {
  if (value.length > max) {
    throw PigeonError.validation(`${field} must be at most ${max} characters`);
  }

  return value;
}
