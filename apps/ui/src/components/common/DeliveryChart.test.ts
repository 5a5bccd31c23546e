import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import DeliveryChart from './DeliveryChart.vue';

describe('DeliveryChart', () => {
  const now = new Date('2026-03-10T15:42:00Z');

  it('draws one bar per hour for 24 h', () => {
    const sut = mount(DeliveryChart, { props: { series: [], period: '24h', now } });

    expect(sut.findAll('[data-testid="chart-bar"]')).toHaveLength(24);
  });

  it('stacks failures on successes', () => {
    const sut = mount(DeliveryChart, {
      props: { series: [{ bucket: '2026-03-10T15:00:00Z', succeeded: 3, failed: 1 }], period: '24h', now },
    });

    const last = sut.findAll('[data-testid="chart-bar"]').at(-1)!;
    expect(Number(last.get('.delivery-chart__ok').attributes('height'))).toBeCloseTo(3 * Number(last.get('.delivery-chart__fail').attributes('height')));
    expect(last.get('title').text()).toContain('3 succeeded, 1 failed');
    expect(sut.text()).toContain('Peak 4 per bar');
  });
});
