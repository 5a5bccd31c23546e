import { RetryPolicy, type RetryPolicyOptions } from '../src';

/** random = 0.5 puts the jitter factor at exactly 1. */
const NO_JITTER = 0.5;
const ALMOST_ONE = 0.999_999_999;

function aRetryPolicy(overrides: Partial<RetryPolicyOptions> = {}): RetryPolicy {
  return new RetryPolicy({ maxTries: 5, backoffBaseSeconds: 30, maxBackoffSeconds: 3600, schedule: [], ...overrides });
}

describe('RetryPolicy', () => {
  describe('delayAfterTry', () => {
    it.each([
      [1, 30_000],
      [2, 60_000],
      [3, 120_000],
      [4, 240_000],
    ])('waits the doubled base after try %i without jitter', (tryNumber, expectedMs) => {
      const sut = aRetryPolicy();

      const delayMs = sut.delayAfterTry(tryNumber, NO_JITTER);

      expect(delayMs).toBe(expectedMs);
    });

    it('waits 10 % less at random 0', () => {
      const sut = aRetryPolicy();

      const delayMs = sut.delayAfterTry(1, 0);

      expect(delayMs).toBe(27_000);
    });

    it('waits at most 10 % more as random approaches 1', () => {
      const sut = aRetryPolicy();

      const delayMs = sut.delayAfterTry(1, ALMOST_ONE);

      expect(delayMs).toBeLessThanOrEqual(33_000);
      expect(delayMs).toBeGreaterThan(32_999);
    });

    it('keeps every jittered delay within 10 % of the base', () => {
      const sut = aRetryPolicy();
      const randoms = Array.from({ length: 101 }, (_, step) => Math.min(step / 100, ALMOST_ONE));

      const delays = randoms.map((random) => sut.delayAfterTry(2, random));

      expect(Math.min(...delays)).toBe(54_000);
      expect(Math.max(...delays)).toBeLessThanOrEqual(66_000);
    });

    it('caps the base at the maximum backoff', () => {
      const sut = aRetryPolicy({ maxBackoffSeconds: 100 });

      const delayMs = sut.delayAfterTry(3, NO_JITTER);

      expect(delayMs).toBe(100_000);
    });

    it('stays finite and capped for try 10000', () => {
      const sut = aRetryPolicy({ maxTries: 20_000 });

      const delayMs = sut.delayAfterTry(10_000, NO_JITTER);

      expect(delayMs).toBe(3_600_000);
    });

    it('follows an explicit schedule instead of the formula', () => {
      const sut = aRetryPolicy({ schedule: [5, 300, 1800] });

      const delays = [1, 2, 3].map((tryNumber) => sut.delayAfterTry(tryNumber, NO_JITTER));

      expect(delays).toEqual([5_000, 300_000, 1_800_000]);
    });

    it('repeats the last schedule entry', () => {
      const sut = aRetryPolicy({ schedule: [5, 300, 1800] });

      const delays = [4, 7, 10_000].map((tryNumber) => sut.delayAfterTry(tryNumber, NO_JITTER));

      expect(delays).toEqual([1_800_000, 1_800_000, 1_800_000]);
    });

    it('applies jitter to schedule entries', () => {
      const sut = aRetryPolicy({ schedule: [300] });

      const delayMs = sut.delayAfterTry(1, 0);

      expect(delayMs).toBe(270_000);
    });

    it('lengthens the wait to a longer Retry-After', () => {
      const sut = aRetryPolicy();

      const delayMs = sut.delayAfterTry(1, NO_JITTER, 100);

      expect(delayMs).toBe(100_000);
    });

    it('keeps the backoff when Retry-After is shorter', () => {
      const sut = aRetryPolicy();

      const delayMs = sut.delayAfterTry(3, NO_JITTER, 10);

      expect(delayMs).toBe(120_000);
    });

    it('caps a Retry-After at the maximum backoff', () => {
      const sut = aRetryPolicy();

      const delayMs = sut.delayAfterTry(1, NO_JITTER, 86_400);

      expect(delayMs).toBe(3_600_000);
    });

    // A Retry-After larger than the normal delay must never make the next try
    // come sooner. Here the schedule entry (7200 s) is above the maximum backoff
    // (3600 s), and a Retry-After of 7300 s cuts the wait to 3600 s.
    it('never shortens the wait because of a Retry-After', () => {
      const sut = aRetryPolicy({ schedule: [7200] });
      const withoutRetryAfter = sut.delayAfterTry(1, NO_JITTER);

      const withRetryAfter = sut.delayAfterTry(1, NO_JITTER, 7300);

      expect(withRetryAfter).toBeGreaterThanOrEqual(withoutRetryAfter);
    });
  });

  describe('isExhausted', () => {
    it.each([
      [1, false],
      [4, false],
      [5, true],
      [6, true],
    ])('reports try %i of 5 as exhausted: %p', (tryNumber, exhausted) => {
      const sut = aRetryPolicy({ maxTries: 5 });

      const result = sut.isExhausted(tryNumber);

      expect(result).toBe(exhausted);
    });

    it('treats the only try as the last when maxTries is 1', () => {
      const sut = aRetryPolicy({ maxTries: 1 });

      const result = sut.isExhausted(1);

      expect(result).toBe(true);
    });
  });

  it('exposes maxTries', () => {
    const sut = aRetryPolicy({ maxTries: 8 });

    expect(sut.maxTries).toBe(8);
  });
});
