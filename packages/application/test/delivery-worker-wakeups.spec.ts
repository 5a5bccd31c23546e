import { RetryPolicy } from '@pigeon/domain';

import { type ClaimRequest, DeliveryAttempt, DeliveryWorker, type DeliveryTask, type WebhookOutcome } from '../src';
import { aDeliveryTask } from './builders';
import { CollectingLogger, DELIVERED, type Deferred, deferred, FakeClock, RecordingDeliveryQueue, ScriptedWebhookSender } from './fakes';

const SETTINGS = { batchSize: 4, pollIntervalMs: 1000, leaseMs: 60_000, concurrency: 8, maxInFlightPerEndpoint: 2 };

/** A queue whose next claim waits until the test releases it, to poke the worker while it claims. */
class HeldClaimQueue extends RecordingDeliveryQueue {
  nextClaimRelease: Deferred<void> | null = null;

  override async claim(request: ClaimRequest): Promise<DeliveryTask[]> {
    const tasks = await super.claim(request);
    const release = this.nextClaimRelease;
    this.nextClaimRelease = null;
    await release?.promise;

    return tasks;
  }
}

function setUp() {
  const queue = new HeldClaimQueue();
  const sender = new ScriptedWebhookSender();
  const logger = new CollectingLogger();
  const retryPolicy = new RetryPolicy({ maxTries: 5, backoffBaseSeconds: 30, maxBackoffSeconds: 3600, schedule: [] });
  const attempt = new DeliveryAttempt(queue, sender, retryPolicy, new FakeClock(), logger, {
    httpTimeoutMs: 30_000,
    userAgent: 'Pigeon/1.4.0',
    autoDisableThreshold: 0,
  });
  const sut = new DeliveryWorker(queue, attempt, logger, SETTINGS);

  return { sut, queue, sender };
}

/** Runs every pending promise job and every timer due now, without moving the fake clock. */
async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

describe('DeliveryWorker wake-ups', () => {
  let running: DeliveryWorker | null = null;
  /** Deliveries a test leaves in flight; stop() waits for them, so they end before it. */
  let held: Deferred<WebhookOutcome>[] = [];

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(async () => {
    held.forEach((delivery) => delivery.resolve(DELIVERED));
    held = [];
    await running?.stop();
    running = null;
    jest.useRealTimers();
  });

  function heldDelivery(): Deferred<WebhookOutcome> {
    const delivery = deferred<WebhookOutcome>();
    held.push(delivery);

    return delivery;
  }

  function started(sut: DeliveryWorker): DeliveryWorker {
    running = sut;
    sut.start();

    return sut;
  }

  it('claims again after a poke during a claim', async () => {
    const { sut, queue } = setUp();
    const claim = deferred<void>();
    queue.nextClaimRelease = claim;
    started(sut);
    await settle();

    sut.poke();
    claim.resolve();
    await settle();

    expect(queue.claims).toHaveLength(2);
  });

  it('wakes when a delivery ends at a capped endpoint', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, heldDelivery().promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a1', endpointId: 'busy' }), aDeliveryTask({ attemptId: 'a2', endpointId: 'busy' }));
    started(sut);
    await settle();
    const claimsWhileCapped = queue.claims.length;

    first.resolve(DELIVERED);
    await settle();

    expect(claimsWhileCapped).toBe(1);
    expect(queue.claims).toHaveLength(2);
    expect(queue.inFlightSeen[1]).toEqual(new Map([['busy', 1]]));
  });

  it('sleeps on when a delivery ends below the cap', async () => {
    const { sut, queue, sender } = setUp();
    const only = deferred<WebhookOutcome>();
    sender.respondWith(only.promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a1', endpointId: 'quiet' }));
    started(sut);
    await settle();

    only.resolve(DELIVERED);
    await settle();

    expect(queue.successes).toHaveLength(1);
    expect(queue.claims).toHaveLength(1);
  });

  it('counts an endpoint already at its cap as capped', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, heldDelivery().promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a1', endpointId: 'busy' }), aDeliveryTask({ attemptId: 'a2', endpointId: 'busy' }));
    started(sut);
    await settle();
    // A poll while both slots are taken claims nothing for the endpoint.
    await jest.advanceTimersByTimeAsync(SETTINGS.pollIntervalMs);
    const claimsBeforeRelease = queue.claims.length;

    first.resolve(DELIVERED);
    await settle();

    expect(claimsBeforeRelease).toBe(2);
    expect(queue.claims).toHaveLength(3);
  });
});
