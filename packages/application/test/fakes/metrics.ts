import { type DeliveryTryResult, type HttpRequestSample, Metrics, type MetricsExposition } from '../../src';

/** Keeps every recorded sample so tests can assert what a handler counted. */
export class RecordingMetrics extends Metrics {
  readonly messages: boolean[] = [];
  readonly deliveries: Array<{ result: DeliveryTryResult; durationSeconds: number }> = [];
  readonly httpRequests: HttpRequestSample[] = [];

  messageAccepted(duplicate: boolean): void {
    this.messages.push(duplicate);
  }

  deliveryFinished(result: DeliveryTryResult, durationSeconds: number): void {
    this.deliveries.push({ result, durationSeconds });
  }

  httpRequestFinished(sample: HttpRequestSample): void {
    this.httpRequests.push(sample);
  }

  expose(): Promise<MetricsExposition> {
    return Promise.resolve({ contentType: 'text/plain', body: '' });
  }
}
