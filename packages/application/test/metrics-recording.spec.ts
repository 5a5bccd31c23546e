import { RetryPolicy } from '@pigeon/domain';

import { DeliveryAttempt, SendMessageCommand, SendMessageHandler } from '../src';
import { ACTOR, aDeliveryTask, Catalog, sendAudit } from './builders';
import { CollectingLogger, FakeClock, RecordingDeliveryQueue, ScriptedWebhookSender } from './fakes';
import { RecordingMetrics } from './fakes/metrics';

describe('SendMessageHandler metrics', () => {
  async function setUp() {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId, 'billing');
    const eventType = await catalog.anEventType(application.id, 'invoice.paid');
    const metrics = new RecordingMetrics();
    const sut = new SendMessageHandler(catalog.messages,
      catalog.clock,
      { idempotencyTtlSeconds: 60 },
      metrics,
    );

    return { sut, metrics, appId: application.id, eventTypeId: eventType.id };
  }

  it('counts a new and a duplicate message', async () => {
    const { sut, metrics, appId, eventTypeId } = await setUp();

    await sut.execute(new SendMessageCommand(appId, eventTypeId, '{"id":1}', 'order-1'), ACTOR, sendAudit(ACTOR));
    await sut.execute(new SendMessageCommand(appId, eventTypeId, '{"id":1}', 'order-1'), ACTOR, sendAudit(ACTOR));

    expect(metrics.messages).toEqual([false, true]);
  });

  it('counts nothing for a rejected message', async () => {
    const { sut, metrics, appId } = await setUp();

    await expect(sut.execute(new SendMessageCommand(appId, '00000000-0000-4000-8000-000000000000', '{}', null), ACTOR, sendAudit(ACTOR))).rejects.toThrow();

    expect(metrics.messages).toEqual([]);
  });
});

describe('DeliveryAttempt metrics', () => {
  function setUp() {
    const sender = new ScriptedWebhookSender();
    const metrics = new RecordingMetrics();
    const retryPolicy = new RetryPolicy({ maxTries: 3, backoffBaseSeconds: 30, maxBackoffSeconds: 3600, schedule: [] });
    const settings = { httpTimeoutMs: 30_000, userAgent: 'Pigeon/1.4.0', autoDisableThreshold: 5 };
    const sut = new DeliveryAttempt(
      new RecordingDeliveryQueue(),
      sender,
      retryPolicy,
      new FakeClock(),
      new CollectingLogger(),
      settings,
      () => 0.5,
      metrics,
    );

    return { sut, sender, metrics };
  }

  it('records a success with its duration in seconds', async () => {
    const { sut, sender, metrics } = setUp();
    sender.respondWith({ kind: 'delivered', statusCode: 204, body: '', durationMs: 125 });

    await sut.run(aDeliveryTask());

    expect(metrics.deliveries).toEqual([{ result: 'succeeded', durationSeconds: 0.125 }]);
  });

  it('records a retried failure', async () => {
    const { sut, sender, metrics } = setUp();
    sender.respondWith({ kind: 'rejected', statusCode: 500, body: '', durationMs: 40, retryAfterSeconds: null });

    await sut.run(aDeliveryTask({ attemptNumber: 1 }));

    expect(metrics.deliveries).toEqual([{ result: 'failed', durationSeconds: 0.04 }]);
  });

  it('records the last failed try as dead-lettered', async () => {
    const { sut, sender, metrics } = setUp();
    sender.respondWith({ kind: 'rejected', statusCode: 500, body: '', durationMs: 40, retryAfterSeconds: null });

    await sut.run(aDeliveryTask({ attemptNumber: 3 }));

    expect(metrics.deliveries).toEqual([{ result: 'dead_lettered', durationSeconds: 0.04 }]);
  });

  it('records a 410 as dead-lettered', async () => {
    const { sut, sender, metrics } = setUp();
    sender.respondWith({ kind: 'rejected', statusCode: 410, body: '', durationMs: 12, retryAfterSeconds: null });

    await sut.run(aDeliveryTask({ attemptNumber: 1 }));

    expect(metrics.deliveries).toEqual([{ result: 'dead_lettered', durationSeconds: 0.012 }]);
  });

  it('records the duration of a network error', async () => {
    const { sut, sender, metrics } = setUp();
    sender.respondWith({ kind: 'unreachable', reason: 'connection refused', durationMs: 3 });

    await sut.run(aDeliveryTask({ attemptNumber: 1 }));

    expect(metrics.deliveries).toEqual([{ result: 'failed', durationSeconds: 0.003 }]);
  });
});
