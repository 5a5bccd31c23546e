import {
  type ClaimRequest,
  DeliveryQueue,
  type DeliveryResult,
  type DeliveryTask,
  type WebhookOutcome,
  type WebhookRequest,
  WebhookSender,
} from '../../src';

export interface ClaimCall {
  readonly limit: number;
  readonly leaseMs: number;
}

export interface RecordedRetry {
  readonly task: DeliveryTask;
  readonly result: DeliveryResult;
  readonly delayMs: number;
}

export interface RecordedExhaustion {
  readonly task: DeliveryTask;
  readonly result: DeliveryResult;
  readonly options: { disableEndpoint: boolean; autoDisableThreshold: number };
}

/**
 * Hands out scripted batches, one per claim, then empty batches, and records
 * every outcome reported to it.
 */
export class RecordingDeliveryQueue extends DeliveryQueue {
  readonly claims: ClaimCall[] = [];
  /** Copy of the worker's per-endpoint in-flight counts at each claim. */
  readonly inFlightSeen: Map<string, number>[] = [];
  readonly successes: { task: DeliveryTask; result: DeliveryResult }[] = [];
  readonly retries: RecordedRetry[] = [];
  readonly exhaustions: RecordedExhaustion[] = [];
  readonly released: DeliveryTask[] = [];
  /** When set, the next claim rejects with it once, as a lost database connection would. */
  claimFailure: Error | null = null;
  /** When set, every `recordSuccess` rejects with it. */
  recordFailure: Error | null = null;

  private readonly batches: DeliveryTask[][] = [];

  enqueueBatch(...tasks: DeliveryTask[]): void {
    this.batches.push(tasks);
  }

  async claim(request: ClaimRequest): Promise<DeliveryTask[]> {
    this.claims.push({ limit: request.limit, leaseMs: request.leaseMs });
    this.inFlightSeen.push(new Map(request.endpointsInFlight));

    if (this.claimFailure !== null) {
      const failure = this.claimFailure;
      this.claimFailure = null;
      throw failure;
    }

    return this.batches.shift() ?? [];
  }

  async recordSuccess(task: DeliveryTask, result: DeliveryResult): Promise<void> {
    if (this.recordFailure !== null) {
      throw this.recordFailure;
    }

    this.successes.push({ task, result });
  }

  async release(tasks: readonly DeliveryTask[]): Promise<void> {
    this.released.push(...tasks);
  }

  async recordRetry(task: DeliveryTask, result: DeliveryResult, delayMs: number): Promise<void> {
    this.retries.push({ task, result, delayMs });
  }

  async recordExhausted(
    task: DeliveryTask,
    result: DeliveryResult,
    options: { disableEndpoint: boolean; autoDisableThreshold: number },
  ): Promise<void> {
    this.exhaustions.push({ task, result, options });
  }
}

export const DELIVERED: WebhookOutcome = { kind: 'delivered', statusCode: 200, body: 'ok', durationMs: 12 };

/**
 * Returns scripted outcomes in order and then `DELIVERED`. An outcome may be a
 * promise, so a test can hold a delivery in flight and finish it later.
 */
export class ScriptedWebhookSender extends WebhookSender {
  readonly requests: WebhookRequest[] = [];

  private readonly outcomes: (WebhookOutcome | Promise<WebhookOutcome>)[] = [];

  respondWith(...outcomes: (WebhookOutcome | Promise<WebhookOutcome>)[]): void {
    this.outcomes.push(...outcomes);
  }

  async send(request: WebhookRequest): Promise<WebhookOutcome> {
    this.requests.push(request);

    return this.outcomes.shift() ?? DELIVERED;
  }
}

/** A promise with its resolve function, to finish a pending operation from the test. */
export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });

  return { promise, resolve };
}
