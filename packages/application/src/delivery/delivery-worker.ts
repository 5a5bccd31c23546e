import type { DeliveryQueue } from '../ports/delivery';
import type { Logger } from '../ports/logger';
import type { DeliveryAttempt } from './delivery-attempt';

export interface DeliveryWorkerSettings {
  readonly batchSize: number;
  readonly pollIntervalMs: number;
  readonly leaseMs: number;
}

type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';

/**
 * The delivery loop: claim due attempts, send them concurrently, record each
 * outcome, and sleep when there is nothing to do. `stop()` stops claiming and
 * waits for the deliveries in flight.
 */
export class DeliveryWorker {
  private state: WorkerState = 'idle';
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private stopped: Promise<void> | null = null;

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
    this.logger.info('delivery worker started', { batchSize: this.settings.batchSize });
  }

  /** Ends an idle sleep early, e.g. when new work was just written. */
  poke(): void {
    this.wake?.();
  }

  /** Stops claiming and resolves once in-flight deliveries are recorded; every caller waits for that. */
  async stop(): Promise<void> {
    if (this.state === 'running') {
      this.state = 'stopping';
      this.poke();
      this.stopped = this.loop?.then(() => {
        this.state = 'stopped';
        this.logger.info('delivery worker stopped');
      }) ?? null;
    }

    await this.stopped;
  }

  private async run(): Promise<void> {
    while (this.state === 'running') {
      let claimed = 0;

      try {
        const tasks = await this.queue.claim(this.settings.batchSize, this.settings.leaseMs);
        claimed = tasks.length;

        // Every claimed attempt ends recorded or, if recording fails, is left in
        // flight until its lease expires and another claim picks it up again.
        await Promise.all(
          tasks.map(async (task) => {
            try {
              await this.attempt.run(task);
            } catch (error) {
              this.logger.error('recording a delivery outcome failed', {
                attemptId: task.attemptId,
                messageId: task.messageId,
                endpointId: task.endpointId,
                error: describe(error),
              });
            }
          }),
        );
      } catch (error) {
        this.logger.error('claiming deliveries failed', { error: describe(error) });
      }

      if (claimed < this.settings.batchSize) {
        await this.sleep(this.settings.pollIntervalMs);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.state !== 'running') {
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
