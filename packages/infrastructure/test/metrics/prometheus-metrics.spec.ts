import { type LogFields, Logger } from '@pigeon/application';

import { metricType, sampleValue } from '../../../../test-support/prometheus-text';
import { PrometheusMetrics } from '../../src';

class CollectingLogger extends Logger {
  readonly lines: Array<{ level: string; message: string; fields: LogFields }> = [];

  debug(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'debug', message, fields });
  }

  info(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'info', message, fields });
  }

  warn(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'warn', message, fields });
  }

  error(message: string, fields: LogFields = {}): void {
    this.lines.push({ level: 'error', message, fields });
  }
}

function setUp(countDueAttempts: () => Promise<number> = () => Promise.resolve(0)) {
  const logger = new CollectingLogger();
  const sut = new PrometheusMetrics({ countDueAttempts, queueDepthCap: 100_000, logger, processMetrics: false });

  return { sut, logger };
}

async function scrape(sut: PrometheusMetrics): Promise<string> {
  return (await sut.expose()).body;
}

describe('PrometheusMetrics', () => {
  it('uses the Prometheus text content type', async () => {
    const { sut } = setUp();

    const exposition = await sut.expose();

    expect(exposition.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('starts every message and delivery counter at zero', async () => {
    const { sut } = setUp();

    const text = await scrape(sut);

    expect(sampleValue(text, 'pigeon_messages_total', { status: 'new' })).toBe(0);
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'duplicate' })).toBe(0);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'success' })).toBe(0);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'failure' })).toBe(0);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'dead_letter' })).toBe(0);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_count')).toBe(0);
  });

  it('counts new and duplicate messages', async () => {
    const { sut } = setUp();

    sut.messageAccepted(false);
    sut.messageAccepted(false);
    sut.messageAccepted(true);

    const text = await scrape(sut);
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'new' })).toBe(2);
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'duplicate' })).toBe(1);
  });

  it('counts a dead-lettered try as failure and dead letter', async () => {
    const { sut } = setUp();

    sut.deliveryFinished('succeeded', 0.02);
    sut.deliveryFinished('failed', 0.3);
    sut.deliveryFinished('dead_lettered', 31);

    const text = await scrape(sut);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'success' })).toBe(1);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'failure' })).toBe(2);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'dead_letter' })).toBe(1);
  });

  it('puts delivery durations into buckets from 5 ms to 30 s', async () => {
    const { sut } = setUp();

    sut.deliveryFinished('succeeded', 0.004);
    sut.deliveryFinished('failed', 0.3);
    sut.deliveryFinished('dead_lettered', 31);

    const text = await scrape(sut);
    expect(metricType(text, 'pigeon_delivery_duration_seconds')).toBe('histogram');
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_bucket', { le: '0.005' })).toBe(1);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_bucket', { le: '0.5' })).toBe(2);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_bucket', { le: '30' })).toBe(2);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_bucket', { le: '+Inf' })).toBe(3);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_count')).toBe(3);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_sum')).toBeCloseTo(31.304, 6);
  });

  it('records a duration that is not a finite number as zero', async () => {
    const { sut } = setUp();

    sut.deliveryFinished('failed', Number.NaN);

    const text = await scrape(sut);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_count')).toBe(1);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_sum')).toBe(0);
  });

  it('labels HTTP requests by method, route and status', async () => {
    const { sut } = setUp();
    const labels = { method: 'POST', route: '/api/v1/applications/:app_id/messages', status: '201' };

    sut.httpRequestFinished({ method: 'POST', route: '/api/v1/applications/:app_id/messages', status: 201, durationSeconds: 0.012 });
    sut.httpRequestFinished({ method: 'POST', route: '/api/v1/applications/:app_id/messages', status: 201, durationSeconds: 0.2 });
    sut.httpRequestFinished({ method: 'GET', route: 'unmatched', status: 404, durationSeconds: 0.001 });

    const text = await scrape(sut);
    expect(sampleValue(text, 'pigeon_http_requests_total', labels)).toBe(2);
    expect(sampleValue(text, 'pigeon_http_request_duration_seconds_count', labels)).toBe(2);
    expect(sampleValue(text, 'pigeon_http_request_duration_seconds_bucket', { ...labels, le: '0.025' })).toBe(1);
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  });

  it('reads the queue depth at scrape time', async () => {
    let due = 7;
    const { sut } = setUp(() => Promise.resolve(due));

    const first = await scrape(sut);
    due = 3;
    const second = await scrape(sut);

    expect(metricType(first, 'pigeon_queue_depth')).toBe('gauge');
    expect(sampleValue(first, 'pigeon_queue_depth')).toBe(7);
    expect(sampleValue(second, 'pigeon_queue_depth')).toBe(3);
  });

  it('names the queue depth cap in the help text', async () => {
    const { sut } = setUp();

    const text = await scrape(sut);

    expect(text).toMatch(/^# HELP pigeon_queue_depth .*capped at 100000/m);
  });

  it('shows NaN when the queue depth cannot be counted', async () => {
    const { sut } = setUp(() => Promise.reject(new Error('connection refused')));

    const text = await scrape(sut);

    expect(sampleValue(text, 'pigeon_queue_depth')).toBeNaN();
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'new' })).toBe(0);
  });

  it('warns once per queue depth outage', async () => {
    let failing = true;
    const { sut, logger } = setUp(() => (failing ? Promise.reject(new Error('connection refused')) : Promise.resolve(0)));

    await scrape(sut);
    await scrape(sut);
    failing = false;
    await scrape(sut);

    expect(logger.lines).toEqual([
      { level: 'warn', message: 'counting the queue depth failed', fields: { error: 'connection refused' } },
      { level: 'info', message: 'counting the queue depth works again', fields: {} },
    ]);
  });

  it('keeps the counts of two instances apart', async () => {
    const { sut } = setUp();
    const other = setUp().sut;

    sut.messageAccepted(false);

    expect(sampleValue(await scrape(sut), 'pigeon_messages_total', { status: 'new' })).toBe(1);
    expect(sampleValue(await scrape(other), 'pigeon_messages_total', { status: 'new' })).toBe(0);
  });

  it('adds Node.js process metrics when asked', async () => {
    const sut = new PrometheusMetrics({
      countDueAttempts: () => Promise.resolve(0),
      queueDepthCap: 10,
      logger: new CollectingLogger(),
      processMetrics: true,
    });

    const text = await scrape(sut);

    expect(sampleValue(text, 'process_start_time_seconds')).toBeGreaterThan(0);
  });
});
