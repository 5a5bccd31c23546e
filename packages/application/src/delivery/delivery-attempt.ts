import { pigeonSignatureHeader, type RetryPolicy, standardWebhookSignatureHeader } from '@pigeon/domain';

import type { Clock } from '../ports/clock';
import type { DeliveryQueue, DeliveryResult, DeliveryTask, WebhookOutcome, WebhookSender } from '../ports/delivery';
import type { Logger } from '../ports/logger';
import { type Metrics, NoopMetrics } from '../ports/metrics';

export interface DeliverySettings {
  readonly httpTimeoutMs: number;
  readonly userAgent: string;
  readonly autoDisableThreshold: number;
}

/**
 * Sends one claimed attempt and records what happened: success, a retry at the
 * backoff time, or a dead letter when the tries are used up or the receiver
 * returned 410 Gone.
 */
export class DeliveryAttempt {
  constructor(
    private readonly queue: DeliveryQueue,
    private readonly sender: WebhookSender,
    private readonly retryPolicy: RetryPolicy,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: DeliverySettings,
    private readonly random: () => number = Math.random,
    private readonly metrics: Metrics = new NoopMetrics(),
  ) {}

  /** `onSent` runs when the HTTP try has ended, before its outcome is recorded. */
  async run(task: DeliveryTask, onSent: () => void = () => {}): Promise<WebhookOutcome> {
    const body = Buffer.from(task.payload, 'utf8');
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    let outcome: WebhookOutcome;
    try {
      outcome = await this.sender.send({
        url: task.url,
        body,
        timeoutMs: this.settings.httpTimeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': this.settings.userAgent,
          'x-pigeon-signature': pigeonSignatureHeader(task.signingSecrets, body),
          'webhook-id': task.messageId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': standardWebhookSignatureHeader(task.signingSecrets, task.messageId, timestamp, body),
          'x-pigeon-event-type': task.eventTypeName,
          'x-pigeon-attempt': String(task.attemptNumber),
        },
      });
    } finally {
      onSent();
    }

    await this.record(task, outcome);

    return outcome;
  }

  private async record(task: DeliveryTask, outcome: WebhookOutcome): Promise<void> {
    const result = toResult(outcome);
    // Ids and numbers only, because the URL may carry credentials and the payload is the customer's data.
    const fields = {
      orgId: task.orgId,
      appId: task.appId,
      endpointId: task.endpointId,
      messageId: task.messageId,
      attemptId: task.attemptId,
      attempt: task.attemptNumber,
      responseCode: result.responseCode,
      durationMs: result.durationMs,
    };

    const durationSeconds = result.durationMs / 1000;

    if (outcome.kind === 'delivered') {
      this.metrics.deliveryFinished('succeeded', durationSeconds);
      await this.queue.recordSuccess(task, result);
      this.logger.debug('delivery succeeded', fields);

      return;
    }

    const gone = outcome.kind === 'rejected' && outcome.statusCode === 410;
    if (gone || this.retryPolicy.isExhausted(task.attemptNumber)) {
      this.metrics.deliveryFinished('dead_lettered', durationSeconds);
      await this.queue.recordExhausted(task, result, {
        disableEndpoint: gone,
        autoDisableThreshold: this.settings.autoDisableThreshold,
      });
      this.logger.warn('delivery dead-lettered', { ...fields, error: result.error, endpointGone: gone });

      return;
    }

    const retryAfter = outcome.kind === 'rejected' ? outcome.retryAfterSeconds : null;
    const delayMs = this.retryPolicy.delayAfterTry(task.attemptNumber, this.random(), retryAfter);

    this.metrics.deliveryFinished('failed', durationSeconds);
    await this.queue.recordRetry(task, result, delayMs);
    this.logger.warn('delivery failed, will retry', { ...fields, error: result.error, retryInMs: delayMs });
  }
}

function toResult(outcome: WebhookOutcome): DeliveryResult {
  switch (outcome.kind) {
    case 'delivered':
    case 'rejected':
      return { responseCode: outcome.statusCode, responseBody: outcome.body, error: null, durationMs: outcome.durationMs };
    case 'unreachable':
      return { responseCode: null, responseBody: null, error: outcome.reason, durationMs: outcome.durationMs };
  }
}
