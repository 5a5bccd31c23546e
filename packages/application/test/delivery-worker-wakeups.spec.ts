import { type ClaimRequest, DeliveryWorker, type DeliveryTask, type WebhookOutcome } from '../src';
import { aDeliveryAttempt, aDeliveryTask } from './builders';
import { DELIVERED, type Deferred, deferred, RecordingDeliveryQueue } from './fakes';

const SETTINGS = { batchSize: 4, pollIntervalMs: 1000, leaseMs: 60_000, concurrency: 8, maxInFlightPerEndpoint: 2, httpTimeoutMs: 30_000 };

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
  const { queue, sender, logger, attempt } = aDeliveryAttempt(new HeldClaimQueue());
  const sut = new DeliveryWorker(queue, attempt, logger, SETTINGS);

  return { sut, queue, sender, logger };
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

  /** Four attempts of one endpoint: its share, twice its in-flight cap of 2. */
  function endpointShare(endpointId: string): DeliveryTask[] {
    return ['a1', 'a2', 'a3', 'a4'].map((attemptId) => aDeliveryTask({ attemptId, endpointId }));
  }

  it('wakes when a full endpoint drains', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    const second = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, second.promise, heldDelivery().promise, heldDelivery().promise);
    queue.enqueueBatch(...endpointShare('busy'));
    started(sut);
    await settle();
    const claimsWhileFull = queue.claims.length;

    first.resolve(DELIVERED);
    await settle();
    const claimsAfterOne = queue.claims.length;
    second.resolve(DELIVERED);
    await settle();

    // A full batch is followed by a claim at once, which finds nothing here.
    expect(claimsWhileFull).toBe(2);
    expect(claimsAfterOne).toBe(2);
    expect(queue.claims).toHaveLength(3);
    expect(queue.inFlightSeen[2]).toEqual(new Map([['busy', 2]]));
  });

  it('queues attempts past the endpoint cap', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, heldDelivery().promise, heldDelivery().promise, heldDelivery().promise);
    queue.enqueueBatch(...endpointShare('busy'));
    started(sut);
    await settle();
    const sentWhileFull = sender.requests.length;

    first.resolve(DELIVERED);
    await settle();

    expect(sentWhileFull).toBe(2);
    expect(sender.requests).toHaveLength(3);
    expect(queue.successes.map((success) => success.task.attemptId)).toEqual(['a1']);
  });

  it('releases an attempt near its lease end', async () => {
    const { sut, queue, sender, logger } = setUp();
    const first = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, heldDelivery().promise);
    queue.enqueueBatch(...endpointShare('busy').slice(0, 3));
    started(sut);
    await settle();

    // Lease 60 s, HTTP timeout 30 s, margin 5 s: a send must start within 25 s.
    await jest.advanceTimersByTimeAsync(25_001);
    first.resolve(DELIVERED);
    await settle();

    expect(sender.requests).toHaveLength(2);
    expect(queue.successes.map((success) => success.task.attemptId)).toEqual(['a1']);
    expect(queue.released.map((task) => task.attemptId)).toEqual(['a3']);
    const released = logger.lines.find((line) => line.message === 'delivery released unsent');
    expect(released?.fields).toMatchObject({ attemptId: 'a3', reason: 'lease would expire during the send' });
  });

  it('releases queued attempts on stop', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    const second = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, second.promise);
    queue.enqueueBatch(...endpointShare('busy'));
    started(sut);
    await settle();

    const stopped = sut.stop();
    await settle();
    const releasedBeforeSendsEnd = queue.released.map((task) => task.attemptId);
    first.resolve(DELIVERED);
    second.resolve(DELIVERED);
    await stopped;
    running = null;

    expect(releasedBeforeSendsEnd).toEqual(['a3', 'a4']);
    expect(sender.requests).toHaveLength(2);
    expect(queue.successes.map((success) => success.task.attemptId)).toEqual(['a1', 'a2']);
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

  it('counts an endpoint already holding its share as full', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    const second = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, second.promise, heldDelivery().promise, heldDelivery().promise);
    queue.enqueueBatch(...endpointShare('busy'));
    started(sut);
    await settle();
    // A poll while the share is held claims nothing for the endpoint.
    await jest.advanceTimersByTimeAsync(SETTINGS.pollIntervalMs);
    const claimsBeforeRelease = queue.claims.length;

    first.resolve(DELIVERED);
    second.resolve(DELIVERED);
    await settle();

    // The full batch, the empty claim right after it, and the poll.
    expect(claimsBeforeRelease).toBe(3);
    expect(queue.claims).toHaveLength(4);
  });
});
