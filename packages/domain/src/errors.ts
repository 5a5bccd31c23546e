/**
 * Error codes that every layer understands. The API maps each one to an HTTP
 * status in a single exhaustive switch, so adding a code fails the build until
 * that mapping is written.
 */
export type PigeonErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'version_conflict'
  | 'conflict'
  | 'unauthenticated'
  | 'forbidden'
  | 'auth_unavailable';

/** An expected failure with a stable code; its message is safe to show to the client. */
export class PigeonError extends Error {
  constructor(
    readonly code: PigeonErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PigeonError';
  }

  static validation(detail: string): PigeonError {
    return new PigeonError('validation_failed', `validation error: ${detail}`);
  }

  static notFound(): PigeonError {
    return new PigeonError('not_found', 'not found');
  }

  static versionConflict(): PigeonError {
    return new PigeonError('version_conflict', 'conflict: resource was modified by another request');
  }

  /** The request is valid but the resource's current state forbids it (409), e.g. deleting what others still use. */
  static conflict(message: string): PigeonError {
    return new PigeonError('conflict', message);
  }
}

export function isPigeonError(value: unknown): value is PigeonError {
  return value instanceof PigeonError;
}
