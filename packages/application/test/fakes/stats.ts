import {
  type ApplicationStats,
  type DeliveryCounts,
  type EndpointStats,
  type EventTypeStats,
  type StatsPeriod,
  StatsReader,
} from '../../src';

/** Counters with no deliveries at all. */
export const NO_DELIVERIES: DeliveryCounts = {
  totalAttempts: 0,
  totalPending: 0,
  totalSucceeded: 0,
  totalFailed: 0,
  totalDeadLettered: 0,
  timeSeries: [],
};

/** Returns the counters a test sets and records every read it serves. */
export class FakeStatsReader extends StatsReader {
  counts: DeliveryCounts = NO_DELIVERIES;
  readonly reads: unknown[][] = [];

  async applicationStats(appId: string, period: StatsPeriod): Promise<ApplicationStats> {
    this.reads.push(['application', appId, period]);

    return { ...this.counts, totalMessages: 0 };
  }

  async eventTypeStats(appId: string, eventTypeId: string, period: StatsPeriod, recentLimit: number): Promise<EventTypeStats> {
    this.reads.push(['event type', appId, eventTypeId, period, recentLimit]);

    return { ...this.counts, totalMessages: 0, subscribedEndpoints: 0, recentMessages: [] };
  }

  async endpointStats(endpointId: string, period: StatsPeriod): Promise<EndpointStats> {
    this.reads.push(['endpoint', endpointId, period]);

    return { ...this.counts, consecutiveFailures: 0, lastDeliveryAt: null, lastStatus: null };
  }
}
