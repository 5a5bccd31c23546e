import { createHmac } from 'node:crypto';

import { RetryPolicy } from '@pigeon/domain';
import { Webhook } from 'standardwebhooks';

import { DeliveryAttempt, type WebhookOutcome } from '../src';
import { aDeliveryTask } from './builders';
import { CollectingLogger, FakeClock, RecordingDeliveryQueue, ScriptedWebhookSender } from './fakes';

const SETTINGS = { httpTimeoutMs: 30_000, userAgent: 'Pigeon/1.4.0', autoDisableThreshold: 5 };
/** random = 0.5 makes the jitter factor exactly 1. */
const NO_JITTER = (): number => 0.5;

function setUp(clock = new FakeClock()) {
  const queue = new RecordingDeliveryQueue();
  const sender = new ScriptedWebhookSender();
  const logger = new CollectingLogger();
  const retryPolicy = new RetryPolicy({ maxTries: 5, backoffBaseSeconds: 30, maxBackoffSeconds: 3600, schedule: [] });
  const sut = new DeliveryAttempt(queue, sender, retryPolicy, clock, logger, SETTINGS, NO_JITTER);

  return { sut, queue, sender, logger, clock };
}

function rejected(statusCode: number, retryAfterSeconds: number | null = null): WebhookOutcome {
  return { kind: 'rejected', statusCode, body: `status ${statusCode}`, durationMs: 40, retryAfterSeconds };
}

describe('DeliveryAttempt', () => {
  describe('request', () => {
    it('posts the payload bytes to the endpoint URL', async () => {
      const { sut, sender } = setUp();
      const task = aDeliveryTask();

      await sut.run(task);

      expect(sender.requests).toHaveLength(1);
      expect(sender.requests[0]!.url).toBe('https://hooks.example.com/pigeon');
      expect(sender.requests[0]!.body.equals(Buffer.from(task.payload, 'utf8'))).toBe(true);
      expect(sender.requests[0]!.timeoutMs).toBe(30_000);
    });

    it('sets type, agent, event and attempt headers', async () => {
      const { sut, sender } = setUp();

      await sut.run(aDeliveryTask({ attemptNumber: 3, eventTypeName: 'invoice.paid' }));

      const headers = sender.requests[0]!.headers;
      expect(headers['content-type']).toBe('application/json');
      expect(headers['user-agent']).toBe('Pigeon/1.4.0');
      expect(headers['x-pigeon-event-type']).toBe('invoice.paid');
      expect(headers['x-pigeon-attempt']).toBe('3');
    });

    it('signs x-pigeon-signature with every secret', async () => {
      const { sut, sender } = setUp();
      const newest = `whsec_${'1f'.repeat(32)}`;
      const oldest = `whsec_${'e2'.repeat(32)}`;
      const task = aDeliveryTask({ signingSecrets: [newest, oldest] });
      const hmac = (secret: string): string => createHmac('sha256', secret).update(task.payload, 'utf8').digest('hex');

      await sut.run(task);

      expect(sender.requests[0]!.headers['x-pigeon-signature']).toBe(`sha256=${hmac(newest)},sha256=${hmac(oldest)}`);
    });

    it('sets webhook-id and webhook-timestamp', async () => {
      const { sut, sender } = setUp(new FakeClock(new Date('2025-03-14T09:26:53.987Z')));

      await sut.run(aDeliveryTask({ messageId: 'msg_2f6b1c' }));

      expect(sender.requests[0]!.headers['webhook-id']).toBe('msg_2f6b1c');
      expect(sender.requests[0]!.headers['webhook-timestamp']).toBe('1741944413');
    });

    it('sends a webhook-signature that standardwebhooks verifies', async () => {
      // The library accepts timestamps within 5 minutes of the real clock only.
      const { sut, sender } = setUp(new FakeClock(new Date()));
      const task = aDeliveryTask({ signingSecrets: [`whsec_${'1f'.repeat(32)}`, `whsec_${'e2'.repeat(32)}`] });

      await sut.run(task);

      const { headers, body } = sender.requests[0]!;
      const verified = (secret: string): unknown =>
        new Webhook(secret).verify(body, {
          'webhook-id': headers['webhook-id']!,
          'webhook-timestamp': headers['webhook-timestamp']!,
          'webhook-signature': headers['webhook-signature']!,
        });
      expect(verified(task.signingSecrets[0]!)).toEqual(JSON.parse(task.payload));
      expect(verified(task.signingSecrets[1]!)).toEqual(JSON.parse(task.payload));
    });
  });

  describe('outcome', () => {
    it('records a 2xx as a success', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith({ kind: 'delivered', statusCode: 204, body: '', durationMs: 18 });
      const task = aDeliveryTask();

      await sut.run(task);

      expect(queue.successes).toEqual([
        { task, result: { responseCode: 204, responseBody: '', error: null, durationMs: 18 } },
      ]);
      expect(queue.retries).toEqual([]);
      expect(queue.exhaustions).toEqual([]);
    });

    it('retries a first-try 500 after 30 s', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(500));
      const task = aDeliveryTask({ attemptNumber: 1 });

      await sut.run(task);

      expect(queue.retries).toEqual([
        { task, result: { responseCode: 500, responseBody: 'status 500', error: null, durationMs: 40 }, delayMs: 30_000 },
      ]);
      expect(queue.exhaustions).toEqual([]);
    });

    it('doubles the delay after try 3', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(502));

      await sut.run(aDeliveryTask({ attemptNumber: 3 }));

      expect(queue.retries[0]!.delayMs).toBe(120_000);
    });

    it('treats a 3xx as a failure', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(301));

      await sut.run(aDeliveryTask());

      expect(queue.successes).toEqual([]);
      expect(queue.retries[0]!.result.responseCode).toBe(301);
    });

    it('dead-letters a 410 at once and disables the endpoint', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(410));
      const task = aDeliveryTask({ attemptNumber: 1 });

      await sut.run(task);

      expect(queue.exhaustions).toEqual([
        {
          task,
          result: { responseCode: 410, responseBody: 'status 410', error: null, durationMs: 40 },
          options: { disableEndpoint: true, autoDisableThreshold: 5 },
        },
      ]);
      expect(queue.retries).toEqual([]);
    });

    it('dead-letters a failure on the last try', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(500));

      await sut.run(aDeliveryTask({ attemptNumber: 5 }));

      expect(queue.exhaustions).toHaveLength(1);
      expect(queue.exhaustions[0]!.options).toEqual({ disableEndpoint: false, autoDisableThreshold: 5 });
      expect(queue.retries).toEqual([]);
    });

    it('waits a longer Retry-After from a 429', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(429, 100));

      await sut.run(aDeliveryTask({ attemptNumber: 1 }));

      expect(queue.retries[0]!.delayMs).toBe(100_000);
    });

    it('waits a longer Retry-After from a 503', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith(rejected(503, 90));

      await sut.run(aDeliveryTask({ attemptNumber: 1 }));

      expect(queue.retries[0]!.delayMs).toBe(90_000);
    });

    it('records the reason when the endpoint is unreachable', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith({ kind: 'unreachable', reason: 'connection refused', durationMs: 3 });
      const task = aDeliveryTask({ attemptNumber: 2 });

      await sut.run(task);

      expect(queue.retries).toEqual([
        { task, result: { responseCode: null, responseBody: null, error: 'connection refused', durationMs: 3 }, delayMs: 60_000 },
      ]);
    });

    it('dead-letters an unreachable last try', async () => {
      const { sut, sender, queue } = setUp();
      sender.respondWith({ kind: 'unreachable', reason: 'timed out after 30 s', durationMs: 30_000 });

      await sut.run(aDeliveryTask({ attemptNumber: 5 }));

      expect(queue.exhaustions[0]!.result.error).toBe('timed out after 30 s');
      expect(queue.exhaustions[0]!.result.responseCode).toBeNull();
      expect(queue.exhaustions[0]!.options.disableEndpoint).toBe(false);
    });

    it('returns the outcome', async () => {
      const { sut, sender } = setUp();
      const outcome = rejected(500);
      sender.respondWith(outcome);

      const returned = await sut.run(aDeliveryTask());

      expect(returned).toBe(outcome);
    });
  });

  describe('logging', () => {
    it('logs a retry with ids and no secret or payload', async () => {
      const { sut, sender, logger } = setUp();
      sender.respondWith(rejected(500));
      const task = aDeliveryTask();

      await sut.run(task);

      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: 'delivery failed, will retry',
          fields: {
            orgId: 'org-1',
            appId: 'app-1',
            endpointId: 'endpoint-1',
            messageId: 'msg_2f6b1c',
            attemptId: 'attempt-1',
            attempt: 1,
            responseCode: 500,
            durationMs: 40,
            error: null,
            retryInMs: 30_000,
          },
        },
      ]);
      expect(JSON.stringify(logger.lines)).not.toContain('whsec_');
      expect(JSON.stringify(logger.lines)).not.toContain('in_1');
    });

    it('logs a dead letter as a warning', async () => {
      const { sut, sender, logger } = setUp();
      sender.respondWith(rejected(410));

      await sut.run(aDeliveryTask());

      expect(logger.lines[0]!.level).toBe('warn');
      expect(logger.lines[0]!.message).toBe('delivery dead-lettered');
      expect(logger.lines[0]!.fields.endpointGone).toBe(true);
    });

    it('logs a success at debug with ids', async () => {
      const { sut, sender, logger } = setUp();
      sender.respondWith({ kind: 'delivered', statusCode: 204, body: '', durationMs: 18 });

      await sut.run(aDeliveryTask({ attemptNumber: 2 }));

      expect(logger.lines).toEqual([
        {
          level: 'debug',
          message: 'delivery succeeded',
          fields: {
            orgId: 'org-1',
            appId: 'app-1',
            endpointId: 'endpoint-1',
            messageId: 'msg_2f6b1c',
            attemptId: 'attempt-1',
            attempt: 2,
            responseCode: 204,
            durationMs: 18,
          },
        },
      ]);
    });

    it('logs a dead letter with ids and the reason', async () => {
      const { sut, sender, logger } = setUp();
      sender.respondWith({ kind: 'unreachable', reason: 'connection refused', durationMs: 3 });

      await sut.run(aDeliveryTask({ attemptNumber: 5 }));

      expect(logger.lines).toEqual([
        {
          level: 'warn',
          message: 'delivery dead-lettered',
          fields: {
            orgId: 'org-1',
            appId: 'app-1',
            endpointId: 'endpoint-1',
            messageId: 'msg_2f6b1c',
            attemptId: 'attempt-1',
            attempt: 5,
            responseCode: null,
            durationMs: 3,
            error: 'connection refused',
            endpointGone: false,
          },
        },
      ]);
    });

    it('logs neither the URL nor the response body', async () => {
      const { sut, sender, logger } = setUp();
      sender.respondWith({ kind: 'rejected', statusCode: 500, body: 'stack trace of the receiver', durationMs: 40, retryAfterSeconds: null });

      await sut.run(aDeliveryTask({ url: 'https://user:pa55word@hooks.example.com/pigeon?token=t0ken' }));

      const logged = JSON.stringify(logger.lines);
      expect(logged).not.toContain('pa55word');
      expect(logged).not.toContain('t0ken');
      expect(logged).not.toContain('stack trace');
    });
  });
});
