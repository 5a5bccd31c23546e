import { DeliveryWorker, type WebhookOutcome } from '../src';
import { aDeliveryAttempt, aDeliveryTask } from './builders';
import { DELIVERED, deferred, RecordingDeliveryQueue } from './fakes';

const SETTINGS = { batchSize: 2, pollIntervalMs: 1000, leaseMs: 60_000, concurrency: 4, maxInFlightPerEndpoint: 8, httpTimeoutMs: 30_000 };

function setUpParts() {
  return aDeliveryAttempt(new RecordingDeliveryQueue());
}

function setUp() {
  const { queue, sender, logger, attempt } = setUpParts();
  const sut = new DeliveryWorker(queue, attempt, logger, SETTINGS);

  return { sut, queue, sender, logger };
}

/** Runs every pending promise job and every timer due now, without moving the fake clock. */
async function settle(): Promise<void> {
  await jest.advanceTimersByTimeAsync(0);
}

describe('DeliveryWorker', () => {
  let running: DeliveryWorker | null = null;

  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(async () => {
    await running?.stop();
    running = null;
    jest.useRealTimers();
  });

  function started(sut: DeliveryWorker): DeliveryWorker {
    running = sut;
    sut.start();

    return sut;
  }

  it('claims with the batch size and lease', async () => {
    const { sut, queue, logger } = setUp();

    started(sut);
    await settle();

    expect(queue.claims).toEqual([{ limit: 2, leaseMs: 60_000 }]);
    expect(logger.lines[0]).toEqual({
      level: 'info',
      message: 'delivery worker started',
      fields: { batchSize: 2, concurrency: 4, maxInFlightPerEndpoint: 8 },
    });
  });

  it('delivers every task of a claimed batch', async () => {
    const { sut, queue, sender } = setUp();
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'attempt-1' }), aDeliveryTask({ attemptId: 'attempt-2' }));

    started(sut);
    await settle();

    expect(sender.requests).toHaveLength(2);
    expect(queue.successes.map(({ task }) => task.attemptId)).toEqual(['attempt-1', 'attempt-2']);
  });

  it('sends the tasks of a batch concurrently', async () => {
    const { sut, queue, sender } = setUp();
    const first = deferred<WebhookOutcome>();
    const second = deferred<WebhookOutcome>();
    sender.respondWith(first.promise, second.promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'attempt-1' }), aDeliveryTask({ attemptId: 'attempt-2' }));

    started(sut);
    await settle();
    const requestsWhileBothPending = sender.requests.length;
    second.resolve(DELIVERED);
    first.resolve(DELIVERED);
    await settle();

    expect(requestsWhileBothPending).toBe(2);
    expect(queue.successes.map(({ task }) => task.attemptId)).toEqual(['attempt-2', 'attempt-1']);
  });

  it('claims again at once after a full batch', async () => {
    const { sut, queue } = setUp();
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'attempt-1' }), aDeliveryTask({ attemptId: 'attempt-2' }));
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'attempt-3' }));

    started(sut);
    await settle();

    expect(queue.claims).toHaveLength(2);
    expect(queue.successes.map(({ task }) => task.attemptId)).toEqual(['attempt-1', 'attempt-2', 'attempt-3']);
  });

  it('sleeps for the poll interval when nothing is due', async () => {
    const { sut, queue } = setUp();
    started(sut);
    await settle();

    await jest.advanceTimersByTimeAsync(999);
    const claimsBeforeInterval = queue.claims.length;
    await jest.advanceTimersByTimeAsync(1);

    expect(claimsBeforeInterval).toBe(1);
    expect(queue.claims).toHaveLength(2);
  });

  it('wakes early on poke', async () => {
    const { sut, queue } = setUp();
    started(sut);
    await settle();
    queue.enqueueBatch(aDeliveryTask());

    sut.poke();
    await settle();

    expect(queue.claims).toHaveLength(2);
    expect(queue.successes).toHaveLength(1);
  });

  it('ignores a poke while it is not sleeping', async () => {
    const { sut, queue } = setUp();

    sut.poke();
    started(sut);
    await settle();

    expect(queue.claims).toHaveLength(1);
  });

  it('runs one loop when started twice', async () => {
    const { sut, queue } = setUp();

    started(sut);
    sut.start();
    await settle();

    expect(queue.claims).toHaveLength(1);
  });

  it('waits for an in-flight delivery when stopped', async () => {
    const { sut, queue, sender, logger } = setUp();
    const response = deferred<WebhookOutcome>();
    sender.respondWith(response.promise);
    queue.enqueueBatch(aDeliveryTask());
    started(sut);
    await settle();
    let stopped = false;

    const stopping = sut.stop().then(() => {
      stopped = true;
    });
    await settle();
    const stoppedBeforeResponse = stopped;
    response.resolve(DELIVERED);
    await stopping;

    expect(stoppedBeforeResponse).toBe(false);
    expect(stopped).toBe(true);
    expect(queue.successes).toHaveLength(1);
    expect(queue.claims).toHaveLength(1);
    expect(logger.messages('info')).toEqual(['delivery worker started', 'delivery worker stopped']);
  });

  it('ends an idle sleep at once when stopped', async () => {
    const { sut, queue } = setUp();
    started(sut);
    await settle();
    let stopped = false;

    const stopping = sut.stop().then(() => {
      stopped = true;
    });
    await settle();

    expect(stopped).toBe(true);
    expect(queue.claims).toHaveLength(1);
    await stopping;
  });

  it('stops claiming after stop', async () => {
    const { sut, queue } = setUp();
    started(sut);
    await settle();

    await sut.stop();
    await jest.advanceTimersByTimeAsync(10 * SETTINGS.pollIntervalMs);

    expect(queue.claims).toHaveLength(1);
  });

  it('polls again after a failed claim', async () => {
    const { sut, queue, logger } = setUp();
    queue.claimFailure = new Error('Connection terminated unexpectedly');

    started(sut);
    await settle();
    await jest.advanceTimersByTimeAsync(SETTINGS.pollIntervalMs);

    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([
      { level: 'error', message: 'claiming deliveries failed', fields: { error: 'Connection terminated unexpectedly' } },
    ]);
    expect(queue.claims).toHaveLength(2);
  });

  it('goes on after a failed recording', async () => {
    const { sut, queue, logger } = setUp();
    queue.recordFailure = new Error('could not serialize access');
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'attempt-7', messageId: 'msg_7', endpointId: 'endpoint-7' }));

    started(sut);
    await settle();
    await jest.advanceTimersByTimeAsync(SETTINGS.pollIntervalMs);

    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([
      {
        level: 'error',
        message: 'recording a delivery outcome failed',
        fields: {
          orgId: 'org-1',
          appId: 'app-1',
          endpointId: 'endpoint-7',
          messageId: 'msg_7',
          attemptId: 'attempt-7',
          error: 'could not serialize access',
        },
      },
    ]);
    expect(queue.claims).toHaveLength(2);
  });

  it('returns at once from stop before start', async () => {
    const { sut, logger } = setUp();

    await sut.stop();

    expect(logger.lines).toEqual([]);
  });

  it('claims no more than the free slots', async () => {
    const { queue, sender, attempt, logger } = setUpParts();
    const hold = deferred<WebhookOutcome>();
    sender.respondWith(hold.promise, hold.promise, hold.promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a1' }), aDeliveryTask({ attemptId: 'a2' }));
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a3' }));
    const sut = new DeliveryWorker(queue, attempt, logger, { ...SETTINGS, batchSize: 2, concurrency: 3 });

    started(sut);
    await settle();

    expect(queue.claims.map((claim) => claim.limit)).toEqual([2, 1]);
    hold.resolve(DELIVERED);
  });

  it('tells the queue how many attempts each endpoint holds', async () => {
    const { queue, sender, attempt, logger } = setUpParts();
    const hold = deferred<WebhookOutcome>();
    sender.respondWith(hold.promise, hold.promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a1', endpointId: 'slow' }), aDeliveryTask({ attemptId: 'a2', endpointId: 'slow' }));
    const sut = new DeliveryWorker(queue, attempt, logger, { ...SETTINGS, batchSize: 2, concurrency: 4 });

    started(sut);
    await settle();

    expect(queue.inFlightSeen[1]).toEqual(new Map([['slow', 2]]));
    hold.resolve(DELIVERED);
  });

  it('claims again as soon as a full worker frees a slot', async () => {
    const { queue, sender, attempt, logger } = setUpParts();
    const hold = deferred<WebhookOutcome>();
    sender.respondWith(hold.promise);
    queue.enqueueBatch(aDeliveryTask({ attemptId: 'a1' }));
    const sut = new DeliveryWorker(queue, attempt, logger, { ...SETTINGS, batchSize: 1, concurrency: 1 });
    started(sut);
    await settle();
    const claimsWhileFull = queue.claims.length;

    hold.resolve(DELIVERED);
    await settle();

    expect(claimsWhileFull).toBe(1);
    expect(queue.claims).toHaveLength(2);
  });
});
