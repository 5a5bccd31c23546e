import {
  type DeliveryTryResult,
  type HttpRequestSample,
  type Logger,
  Metrics,
  type MetricsExposition,
} from '@pigeon/application';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Delivery try durations from 5 ms to 30 s, the default HTTP timeout. */
export const DELIVERY_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** API response times from 5 ms to 10 s. */
export const HTTP_DURATION_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface PrometheusMetricsOptions {
  /** Counts the pending attempts that are due now, at most `queueDepthCap`; called on every scrape. */
  readonly countDueAttempts: () => Promise<number>;
  readonly queueDepthCap: number;
  readonly logger: Logger;
  /** Adds prom-client's Node.js process metrics (CPU, memory, event loop lag, GC). */
  readonly processMetrics?: boolean;
}

/**
 * The Metrics port on prom-client. Each instance has a registry of its own, not
 * prom-client's global one, so several processes in one Node.js runtime (as in
 * tests) keep separate counts.
 */
export class PrometheusMetrics extends Metrics {
  readonly registry = new Registry();

  private readonly messages: Counter<'status'>;
  private readonly deliveries: Counter<'status'>;
  private readonly deliveryDuration: Histogram;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  private queueDepthFailing = false;

  constructor(private readonly options: PrometheusMetricsOptions) {
    super();

    const registers = [this.registry];
    this.messages = new Counter({
      name: 'pigeon_messages_total',
      help: 'Send-message results: status "new" for a stored message, "duplicate" for a repeated idempotency key. Test events are not counted.',
      labelNames: ['status'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'pigeon_delivery_total',
      help: 'Delivery HTTP tries by result. A failed try that dead-letters its attempt counts as both "failure" and "dead_letter".',
      labelNames: ['status'],
      registers,
    });
    this.deliveryDuration = new Histogram({
      name: 'pigeon_delivery_duration_seconds',
      help: 'Duration of each delivery HTTP try, network errors and timeouts included.',
      buckets: [...DELIVERY_DURATION_BUCKETS],
      registers,
    });
    this.httpRequests = new Counter({
      name: 'pigeon_http_requests_total',
      help: 'Completed HTTP requests by method, route pattern ("unmatched" for unknown paths) and status.',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'pigeon_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to sending the last byte of its response.',
      labelNames: ['method', 'route', 'status'],
      buckets: [...HTTP_DURATION_BUCKETS],
      registers,
    });

    const countQueueDepth = () => this.countQueueDepth();
    new Gauge({
      name: 'pigeon_queue_depth',
      help: `Pending delivery attempts that are due now, counted at scrape time and capped at ${options.queueDepthCap}; NaN when the count failed.`,
      registers,
      async collect() {
        this.set(await countQueueDepth());
      },
    });

    // Present from the first scrape, so a rate() over them starts at zero instead of at the first event.
    this.messages.inc({ status: 'new' }, 0);
    this.messages.inc({ status: 'duplicate' }, 0);
    for (const status of ['success', 'failure', 'dead_letter']) {
      this.deliveries.inc({ status }, 0);
    }

    if (options.processMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry });
    }
  }

  messageAccepted(duplicate: boolean): void {
    this.messages.inc({ status: duplicate ? 'duplicate' : 'new' });
  }

  deliveryFinished(result: DeliveryTryResult, durationSeconds: number): void {
    switch (result) {
      case 'succeeded':
        this.deliveries.inc({ status: 'success' });
        break;
      case 'failed':
        this.deliveries.inc({ status: 'failure' });
        break;
      case 'dead_lettered':
        this.deliveries.inc({ status: 'failure' });
        this.deliveries.inc({ status: 'dead_letter' });
        break;
    }
    this.deliveryDuration.observe(seconds(durationSeconds));
  }

  httpRequestFinished(sample: HttpRequestSample): void {
    const labels = { method: sample.method, route: sample.route, status: String(sample.status) };

    this.httpRequests.inc(labels);
    this.httpDuration.observe(labels, seconds(sample.durationSeconds));
  }

  async expose(): Promise<MetricsExposition> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** Counts the due attempts for the gauge. A failed count gives NaN instead of failing the whole scrape, and is logged once per outage. */
  private async countQueueDepth(): Promise<number> {
    try {
      const depth = await this.options.countDueAttempts();
      if (this.queueDepthFailing) {
        this.queueDepthFailing = false;
        this.options.logger.info('counting the queue depth works again');
      }

      return depth;
    } catch (error) {
      if (!this.queueDepthFailing) {
        this.queueDepthFailing = true;
        this.options.logger.warn('counting the queue depth failed', { error: error instanceof Error ? error.message : String(error) });
      }

      return Number.NaN;
    }
  }
}

/** Returns a finite, non-negative duration, because prom-client throws on NaN and infinity and recording must never throw. */
function seconds(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}
