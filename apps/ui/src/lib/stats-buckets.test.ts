import { describe, expect, it } from 'vitest';

import { fillDeliveryBuckets } from './stats-buckets';

describe('fillDeliveryBuckets', () => {
  const now = new Date('2026-03-10T15:42:00Z');

  it('returns 24 hourly buckets ending with the current hour', () => {
    const sut = fillDeliveryBuckets([], '24h', now);

    expect(sut).toHaveLength(24);
    expect(sut[23]!.bucket).toBe('2026-03-10T15:00:00.000Z');
    expect(sut[0]!.bucket).toBe('2026-03-09T16:00:00.000Z');
  });

  it('places returned buckets and fills the rest with zeros', () => {
    const sut = fillDeliveryBuckets([{ bucket: '2026-03-10T12:00:00Z', succeeded: 3, failed: 1 }], '7d', now);

    expect(sut).toHaveLength(28);
    expect(sut[27]).toEqual({ bucket: '2026-03-10T12:00:00.000Z', succeeded: 3, failed: 1 });
    expect(sut.slice(0, 27).every((bucket) => bucket.succeeded === 0 && bucket.failed === 0)).toBe(true);
  });

  it('aligns 30 day buckets to midnight UTC', () => {
    const sut = fillDeliveryBuckets([{ bucket: '2026-03-01T00:00:00Z', succeeded: 2, failed: 0 }], '30d', now);

    expect(sut).toHaveLength(30);
    expect(sut[29]!.bucket).toBe('2026-03-10T00:00:00.000Z');
    expect(sut[20]).toEqual({ bucket: '2026-03-01T00:00:00.000Z', succeeded: 2, failed: 0 });
  });
});
