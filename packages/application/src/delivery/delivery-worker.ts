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
  /** Maximum number of deliveries in flight to one endpoint in this process, so one slow receiver cannot take every slot. */
  readonly maxInFlightPerEndpoint: number;
}

type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * The delivery loop. It keeps up to `concurrency` deliveries in flight. It
 * claims due attempts whenever a slot is free and starts each one at once.
 * When nothing is due it sleeps until the poll interval passes or `poke()`
 * (new work, a freed slot) wakes it. `stop()` stops claiming and waits until every
 * delivery in flight is recorded.
 */
export class DeliveryWorker {
  private state: WorkerState = 'idle';
  private loop: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly endpointsInFlight = new Map<string, number>();
  private waitingForSlot = false;
  /** Set by a poke that arrived while the loop was not asleep, so the next sleep returns at once. */
  private wakeRequested = false;
  /** Endpoints that the last claim filled up to their cap, so due attempts of theirs may have been left behind. */
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
      const inFlightAtClaim = new Map(this.endpointsInFlight);
      // Only pokes from now on can announce work that this claim does not see.
      this.wakeRequested = false;
      let tasks: DeliveryTask[];
      try {
        tasks = await this.queue.claim({
          limit,
          leaseMs: this.settings.leaseMs,
          maxPerEndpoint: this.settings.maxInFlightPerEndpoint,
          endpointsInFlight: inFlightAtClaim,
        });
      } catch (error) {
        this.logger.error('claiming deliveries failed', { error: describe(error) });
        await this.sleep(this.settings.pollIntervalMs);
        continue;
      }

      tasks.forEach((task) => this.launch(task));
      this.rememberCappedEndpoints(inFlightAtClaim, tasks);

      // A short batch means nothing more is due (or every due endpoint is at its cap).
      if (tasks.length < limit) {
        await this.sleep(this.settings.pollIntervalMs);
      }
    }

    await Promise.all([...this.inFlight]);
  }

  private launch(task: DeliveryTask): void {
    this.endpointsInFlight.set(task.endpointId, (this.endpointsInFlight.get(task.endpointId) ?? 0) + 1);

    // Every claimed attempt ends recorded or, if recording fails, stays in
    // flight until its lease expires and a later claim picks it up again.
    const delivery = this.attempt
      .run(task)
      .then(
        () => undefined,
        (error: unknown) => {
          this.logger.error('recording a delivery outcome failed', {
            orgId: task.orgId,
            appId: task.appId,
            endpointId: task.endpointId,
            messageId: task.messageId,
            attemptId: task.attemptId,
            error: describe(error),
          });
        },
      )
      .finally(() => {
        const remaining = (this.endpointsInFlight.get(task.endpointId) ?? 1) - 1;
        if (remaining === 0) {
          this.endpointsInFlight.delete(task.endpointId);
        } else {
          this.endpointsInFlight.set(task.endpointId, remaining);
        }
        this.inFlight.delete(delivery);
        // A loop that waits for a free slot wants to hear about it, and so does one
        // whose last claim stopped at this endpoint's cap. An idle loop otherwise
        // waits for new work.
        if (this.waitingForSlot || this.cappedEndpoints.has(task.endpointId)) {
          this.poke();
        }
      });

    this.inFlight.add(delivery);
  }

  /**
   * Notes the endpoints that a claim filled up to their cap. For those, the
   * claim may have left due attempts behind, and a delivery that ends there
   * frees a slot for them sooner than the poll interval would.
   */
  private rememberCappedEndpoints(inFlightAtClaim: ReadonlyMap<string, number>, tasks: readonly DeliveryTask[]): void {
    const inFlightAfterClaim = new Map(inFlightAtClaim);
    for (const task of tasks) {
      inFlightAfterClaim.set(task.endpointId, (inFlightAfterClaim.get(task.endpointId) ?? 0) + 1);
    }

    this.cappedEndpoints.clear();
    for (const [endpointId, count] of inFlightAfterClaim) {
      if (count >= this.settings.maxInFlightPerEndpoint) {
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

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
