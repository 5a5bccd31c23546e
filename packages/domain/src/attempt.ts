/** `in_flight` means a worker holds the attempt until its lease runs out. */
export type AttemptStatus = 'pending' | 'in_flight' | 'succeeded' | 'failed';

export const ATTEMPT_STATUSES: readonly AttemptStatus[] = ['pending', 'in_flight', 'succeeded', 'failed'];

export interface Attempt {
  readonly id: string;
  readonly messageId: string;
  readonly endpointId: string;
  readonly status: AttemptStatus;
  readonly responseCode: number | null;
  readonly responseBody: string | null;
  /** Short reason when no HTTP response was received, such as `connection refused`. */
  readonly error: string | null;
  readonly attemptedAt: Date | null;
  readonly nextAttemptAt: Date | null;
  /** Number of the current or last HTTP try; the first try is 1. */
  readonly attemptNumber: number;
  readonly durationMs: number | null;
  readonly createdAt: Date;
}

export interface DeadLetter {
  readonly id: string;
  readonly messageId: string;
  readonly endpointId: string;
  readonly appId: string;
  readonly lastResponseCode: number | null;
  readonly lastResponseBody: string | null;
  /** Short reason of the last try when no HTTP response was received, such as `connection refused`. */
  readonly lastError: string | null;
  readonly deadLetteredAt: Date;
  readonly replayedAt: Date | null;
}
