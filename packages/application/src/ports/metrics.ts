/**
 * Result of one HTTP try of a delivery. `dead_lettered` is a failed try that
 * also ended the attempt (tries used up, or 410 Gone).
 */
export type DeliveryTryResult = 'succeeded' | 'failed' | 'dead_lettered';

/** One completed HTTP request of the API or of the worker's probe listener. */
export interface HttpRequestSample {
  readonly method: string;
  /** Route pattern such as `/api/v1/applications/:app_id/messages`, or `unmatched`; never a raw path with ids. */
  readonly route: string;
  readonly status: number;
  readonly durationSeconds: number;
}

/** Metrics in a scraper's exposition format. */
export interface MetricsExposition {
  readonly contentType: string;
  readonly body: string;
}

/**
 * Operational counters of one process. Implementations record synchronously
 * and must never throw, so a metrics problem cannot fail a request or a delivery.
 */
export abstract class Metrics {
  /** Counts a send-message result; test events are not counted. */
  abstract messageAccepted(duplicate: boolean): void;
  /** Counts one HTTP try of a delivery and its duration, network errors included. */
  abstract deliveryFinished(result: DeliveryTryResult, durationSeconds: number): void;
  abstract httpRequestFinished(sample: HttpRequestSample): void;
  /** Renders every metric of this process, reading gauges such as the queue depth at call time. */
  abstract expose(): Promise<MetricsExposition>;
}

/** Records nothing; the default where a caller does not care about metrics, such as handler unit tests. */
export class NoopMetrics extends Metrics {
  messageAccepted(): void {}

  deliveryFinished(): void {}

  httpRequestFinished(): void {}

  expose(): Promise<MetricsExposition> {
    return Promise.resolve({ contentType: 'text/plain; version=0.0.4; charset=utf-8', body: '' });
  }
}
