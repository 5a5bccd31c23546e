/**
 * When a failed delivery is tried again. Try numbers start at 1. After a failed
 * try k (k < maxTries) the next try waits `min(base * 2^(k-1), max)` seconds with
 * +/-10 % jitter, or the k-th entry of an explicit schedule when one is set.
 */
export interface RetryPolicyOptions {
  maxTries: number;
  backoffBaseSeconds: number;
  maxBackoffSeconds: number;
  /** Seconds to wait after try 1, 2, ...; the last entry repeats. Replaces the formula when non-empty. */
  schedule: readonly number[];
}

export const JITTER_RATIO = 0.1;

export class RetryPolicy {
  constructor(private readonly options: RetryPolicyOptions) {}

  get maxTries(): number {
    return this.options.maxTries;
  }

  isExhausted(tryNumber: number): boolean {
    return tryNumber >= this.options.maxTries;
  }

  /**
   * Returns the delay in milliseconds before the try after `tryNumber`.
   * `random` is a value in [0, 1) and decides the jitter; `retryAfterSeconds`
   * (from a 429 or 503) lengthens the wait but never past the maximum backoff.
   */
  delayAfterTry(tryNumber: number, random: number, retryAfterSeconds: number | null = null): number {
    const baseSeconds = this.baseDelaySeconds(tryNumber);
    const jitter = 1 + JITTER_RATIO * (2 * random - 1);
    let seconds = baseSeconds * jitter;

    if (retryAfterSeconds !== null) {
      // Retry-After may lengthen the wait up to the maximum backoff, never shorten it.
      seconds = Math.max(seconds, Math.min(retryAfterSeconds, this.options.maxBackoffSeconds));
    }

    return Math.round(seconds * 1000);
  }

  private baseDelaySeconds(tryNumber: number): number {
    const { schedule, backoffBaseSeconds, maxBackoffSeconds } = this.options;

    if (schedule.length > 0) {
      const index = Math.min(tryNumber, schedule.length) - 1;

      return schedule[Math.max(index, 0)] ?? 0;
    }

    // Capping the exponent first keeps 2^(k-1) finite for any try number.
    const exponent = Math.min(Math.max(tryNumber - 1, 0), 52);

    return Math.min(backoffBaseSeconds * 2 ** exponent, maxBackoffSeconds);
  }
}
