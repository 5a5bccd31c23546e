import type { DeliveryQueue, DeliveryTask } from '../ports/delivery';
import type { Logger } from '../ports/logger';
import type { DeliveryAttempt } from './delivery-attempt';

export interface DeliveryWorkerSettings {
  /** Most attempts claimed by one query. */
  readonly batchSize: number;
  /** Maximum idle sleep, in milliseconds. A poke ends it earlier. */
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
  /** Maximum number of deliveries in flight in this process. */
  readonly concurrency: number;
  /** Maximum number of HTTP requests in flight to one endpoint from this process, so one slow receiver cannot take every slot. */
  readonly maxInFlightPerEndpoint: number;
  /** Maximum duration of one HTTP try. A queued attempt is sent only while its lease outlasts it. */
  readonly httpTimeoutMs: number;
}

/**
 * How many attempts of one endpoint the worker holds, as a multiple of its
 * in-flight cap: the cap's worth being sent and as many queued behind them,
 * so claims come in batches instead of one row per finished request.
 */
const HELD_PER_SENDING = 2;

/** Margin a queued attempt's lease must keep beyond the HTTP timeout, for recording its outcome; less when the lease is shorter. */
const LEASE_MARGIN_MS = 5000;

interface HeldTask {
  readonly task: DeliveryTask;
  /** Worker clock when the claim returned, in milliseconds. */
  readonly claimedAt: number;
  readonly finished: () => void;
}

type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * The delivery loop. It holds up to `concurrency` claimed attempts and sends
 * at most `maxInFlightPerEndpoint` of one endpoint at a time, queueing the
 * rest of that endpoint's attempts in claim order. It claims due attempts
 * whenever slots are free. When nothing is due it sleeps until the poll
 * interval passes or `poke()` (new work, freed slots) wakes it. `stop()`
 * stops claiming and waits until every held attempt is recorded.
 */
export class DeliveryWorker {
  private state: WorkerState = 'idle';
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempts held per endpoint, sent or queued; the claim counts them against the endpoint's share. */
  private readonly endpointsHeld = new Map<string, number>();
  /** HTTP requests in flight per endpoint. */
  private readonly endpointsSending = new Map<string, number>();
  private readonly queued = new Map<string, HeldTask[]>();
  private waitingForSlot = false;
  /** Set by a poke that arrived while the loop was not asleep, so the next sleep returns at once. */
  private wakeRequested = false;
  /** Endpoints that the last claim filled up to their share, so due attempts of theirs may have been left behind. */
  private readonly cappedEndpoints = new Set<string>();

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly attempt: DeliveryAttempt,
    private readonly logger: Logger,
    private readonly settings: DeliveryWorkerSettings,
  ) {}

  start(): void {
    if (this.state !== 'idle') {
      return;
    }

    this.state = 'running';
    this.loop = this.run();
    this.logger.info('delivery worker started', {
      batchSize: this.settings.batchSize,
      concurrency: this.settings.concurrency,
      maxInFlightPerEndpoint: this.settings.maxInFlightPerEndpoint,
    });
  }

  /**
   * Ends an idle sleep early, e.g. when new work was just written. A poke that
   * arrives during a claim makes the next sleep return at once, because that
   * claim may have run before the new work was committed.
   */
  poke(): void {
    if (this.wake !== null) {
      this.wake();
    } else if (this.state === 'running') {
      this.wakeRequested = true;
    }
  }

  /** Stops claiming and resolves once in-flight deliveries are recorded; every caller waits for that. */
  async stop(): Promise<void> {
    if (this.state === 'running') {
      this.state = 'stopping';
      this.poke();
      // Attempts still queued behind their endpoint's cap go back to the
      // queue for other workers; only those being sent are finished here.
      const unsent = [...this.queued.values()].flat();
      this.queued.clear();
      this.releaseUnsent(unsent, 'delivery worker stopping');
      this.stopped =
        this.loop?.then(() => {
          this.state = 'stopped';
          this.logger.info('delivery worker stopped');
        }) ?? null;
    }

    await this.stopped;
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      const free = this.settings.concurrency - this.inFlight.size;
      if (free <= 0) {
        this.waitingForSlot = true;
        await this.sleep(this.settings.pollIntervalMs);
        this.waitingForSlot = false;
        continue;
      }

      const limit = Math.min(this.settings.batchSize, free);
      const heldAtClaim = new Map(this.endpointsHeld);
      // Only pokes from now on can announce work that this claim does not see.
      this.wakeRequested = false;
      let tasks: DeliveryTask[];
      try {
        tasks = await this.queue.claim({
          limit,
          leaseMs: this.settings.leaseMs,
          maxPerEndpoint: this.heldPerEndpoint(),
          endpointsInFlight: heldAtClaim,
        });
      } catch (error) {
        this.logger.error('claiming deliveries failed', { error: describe(error) });
        await this.sleep(this.settings.pollIntervalMs);
        continue;
      }

      const claimedAt = Date.now();
      tasks.forEach((task) => this.hold(task, claimedAt));
      this.rememberCappedEndpoints(heldAtClaim, tasks);

      // A short batch means nothing more is due (or every due endpoint is at its cap).
      if (tasks.length < limit) {
        await this.sleep(this.settings.pollIntervalMs);
      }
    }

    await Promise.all([...this.inFlight]);
  }

  private heldPerEndpoint(): number {
    return this.settings.maxInFlightPerEndpoint * HELD_PER_SENDING;
  }

  /** Takes a claimed attempt: sends it now if its endpoint has a free slot, else queues it. */
  private hold(task: DeliveryTask, claimedAt: number): void {
    increment(this.endpointsHeld, task.endpointId);

    let finished = (): void => {};
    const held = new Promise<void>((resolve) => {
      finished = resolve;
    });
    this.inFlight.add(held);
    void held.then(() => this.endHold(task, held));

    const entry: HeldTask = { task, claimedAt, finished };
    if ((this.endpointsSending.get(task.endpointId) ?? 0) < this.settings.maxInFlightPerEndpoint) {
      this.send(entry);
    } else {
      const queue = this.queued.get(task.endpointId) ?? [];
      queue.push(entry);
      this.queued.set(task.endpointId, queue);
    }
  }

  private send(entry: HeldTask): void {
    const { task } = entry;
    increment(this.endpointsSending, task.endpointId);

    // Every claimed attempt ends recorded or, if recording fails, stays in
    // flight until its lease expires and a later claim picks it up again.
    this.attempt
      .run(task, () => this.sent(task.endpointId))
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.error('recording a delivery outcome failed', { ...taskFields(task), error: describe(error) });
        },
      )
      .finally(entry.finished);
  }

  /** Frees the endpoint's HTTP slot and sends its next queued attempt that may still be sent. */
  private sent(endpointId: string): void {
    decrement(this.endpointsSending, endpointId);

    const queue = this.queued.get(endpointId);
    let next = queue?.shift();
    while (next !== undefined && !this.leaseOutlastsSend(next)) {
      // Sending now could outlive the lease and let another worker send it
      // too, so it goes back to the queue unsent.
      this.releaseUnsent([next], 'lease would expire during the send');
      next = queue?.shift();
    }
    if (queue !== undefined && queue.length === 0) {
      this.queued.delete(endpointId);
    }
    if (next !== undefined) {
      this.send(next);
    }
  }

  /**
   * Hands claimed attempts back unsent. If that fails they stay in flight
   * and are claimed again once their lease expires, so none is lost.
   */
  private releaseUnsent(entries: readonly HeldTask[], reason: string): void {
    if (entries.length === 0) {
      return;
    }

    const tasks = entries.map((entry) => entry.task);
    this.queue
      .release(tasks)
      .then(
        () => {
          for (const task of tasks) {
            this.logger.info('delivery released unsent', { ...taskFields(task), reason });
          }
        },
        (error: unknown) => {
          this.logger.error('releasing unsent deliveries failed; they are claimed again after their lease', {
            attemptIds: tasks.map((task) => task.attemptId),
            reason,
            error: describe(error),
          });
        },
      )
      .finally(() => entries.forEach((entry) => entry.finished()));
  }

  private leaseOutlastsSend(entry: HeldTask): boolean {
    const { leaseMs, httpTimeoutMs } = this.settings;
    const margin = Math.min(LEASE_MARGIN_MS, (leaseMs - httpTimeoutMs) / 2);

    return Date.now() - entry.claimedAt + httpTimeoutMs + margin < leaseMs;
  }

  /** Frees the slot of an attempt that was recorded or handed back, and wakes the loop when a claim would now pay off. */
  private endHold(task: DeliveryTask, held: Promise<void>): void {
    const remaining = decrement(this.endpointsHeld, task.endpointId);
    this.inFlight.delete(held);

    // A loop that waits for free slots hears about them once a batch fits,
    // and one whose last claim stopped at this endpoint's share hears once a
    // batch of the endpoint's attempts fits. An idle loop otherwise waits for
    // new work.
    const free = this.settings.concurrency - this.inFlight.size;
    const batchFits = free >= Math.min(this.settings.batchSize, Math.ceil(this.settings.concurrency / 4));
    const endpointDrained = this.cappedEndpoints.has(task.endpointId) && remaining <= this.settings.maxInFlightPerEndpoint;
    if ((this.waitingForSlot && batchFits) || endpointDrained) {
      this.poke();
    }
  }

  /**
   * Notes the endpoints that a claim filled up to their share. For those,
   * the claim may have left due attempts behind, and deliveries that end
   * there free room for them sooner than the poll interval would.
   */
  private rememberCappedEndpoints(heldAtClaim: ReadonlyMap<string, number>, tasks: readonly DeliveryTask[]): void {
    const heldAfterClaim = new Map(heldAtClaim);
    for (const task of tasks) {
      increment(heldAfterClaim, task.endpointId);
    }

    this.cappedEndpoints.clear();
    for (const [endpointId, count] of heldAfterClaim) {
      if (count >= this.heldPerEndpoint()) {
        this.cappedEndpoints.add(endpointId);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.state !== 'running') {
      return Promise.resolve();
    }
    if (this.wakeRequested) {
      this.wakeRequested = false;

      return Promise.resolve();
    }

    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);

      this.wake = done;
    });
  }
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Lowers the count of `key` and returns what is left; a count of 0 is removed from the map. */
function decrement(counts: Map<string, number>, key: string): number {
  const remaining = (counts.get(key) ?? 1) - 1;
  if (remaining === 0) {
    counts.delete(key);
  } else {
    counts.set(key, remaining);
  }

  return remaining;
}

function taskFields(task: DeliveryTask): Record<string, unknown> {
  return {
    orgId: task.orgId,
    appId: task.appId,
    endpointId: task.endpointId,
    messageId: task.messageId,
    attemptId: task.attemptId,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
