import { PigeonError } from './errors';

/**
 * Optimistic concurrency: every aggregate carries a counter that starts at 1 and
 * grows by one on each write. A write names the version it read; a mismatch means
 * somebody else wrote in between.
 */
export function assertVersion(current: number, expected: number): void {
  if (current !== expected) {
    throw PigeonError.versionConflict();
  }
}

export const INITIAL_VERSION = 1;
