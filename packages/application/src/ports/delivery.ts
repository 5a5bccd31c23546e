/** An attempt a worker has claimed, with everything needed to send it. */
export interface DeliveryTask {
  readonly attemptId: string;
  /** Proves the claim is still ours when the outcome is recorded, since a lease can expire and pass to another worker. */
  readonly claimToken: string;
  readonly messageId: string;
  readonly endpointId: string;
  readonly appId: string;
  /** Organization that owns the application, carried for log lines only. */
  readonly orgId: string;
  readonly attemptNumber: number;
  readonly url: string;
  readonly signingSecrets: readonly string[];
  readonly eventTypeName: string;
  /** Compact JSON text of the message payload, sent byte for byte. */
  readonly payload: string;
}

export interface DeliveryResult {
  readonly responseCode: number | null;
  readonly responseBody: string | null;
  readonly error: string | null;
  readonly durationMs: number;
}

export interface ClaimRequest {
  readonly limit: number;
  readonly leaseMs: number;
  /** Most attempts of one endpoint this worker may hold at once. */
  readonly maxPerEndpoint: number;
  /** Attempts this worker already holds, by endpoint id; they count against `maxPerEndpoint`. */
  readonly endpointsInFlight: ReadonlyMap<string, number>;
}

export abstract class DeliveryQueue {
  /**
   * Claims up to `limit` due attempts (pending and due, or in flight with an
   * expired lease) for `leaseMs`, never taking an endpoint past `maxPerEndpoint`.
   * When first tries and retries are both due, each kind gets up to half of the
   * batch before the rest is filled by age, and each endpoint's free slots
   * alternate between the kinds, so neither kind can starve the other.
   */
  abstract claim(request: ClaimRequest): Promise<DeliveryTask[]>;
  abstract recordSuccess(task: DeliveryTask, result: DeliveryResult): Promise<void>;
  /**
   * Puts claimed attempts that were never sent back to pending, due at once,
   * where the claim is still this worker's, so any worker can take them
   * without waiting for the lease to expire.
   */
  abstract release(tasks: readonly DeliveryTask[]): Promise<void>;
  /** Puts the attempt back to pending, due after `delayMs` measured by the database clock. */
  abstract recordRetry(task: DeliveryTask, result: DeliveryResult, delayMs: number): Promise<void>;
  /**
   * Marks the attempt failed and dead-letters it in one transaction. Disables the
   * endpoint when `disableEndpoint` is set or when its dead letters since the last
   * success reach `autoDisableThreshold` (0 turns that rule off).
   */
  abstract recordExhausted(
    task: DeliveryTask,
    result: DeliveryResult,
    options: { disableEndpoint: boolean; autoDisableThreshold: number },
  ): Promise<void>;
}

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly timeoutMs: number;
}

/**
 * What one HTTP try produced. The sender classifies; library errors and their
 * texts never cross this port.
 */
export type WebhookOutcome =
  | { readonly kind: 'delivered'; readonly statusCode: number; readonly body: string; readonly durationMs: number }
  | {
      readonly kind: 'rejected';
      /** Non-2xx status, 3xx included because redirects are not followed. */
      readonly statusCode: number;
      readonly body: string;
      readonly durationMs: number;
      /** Seconds from a `Retry-After` header on 429 or 503, else null. */
      readonly retryAfterSeconds: number | null;
    }
  | {
      readonly kind: 'unreachable';
      /** Short reason such as `connection refused`, `timed out after 30 s` or `blocked destination 10.1.2.3: private network`. */
      readonly reason: string;
      readonly durationMs: number;
    };

export abstract class WebhookSender {
  abstract send(request: WebhookRequest): Promise<WebhookOutcome>;
}
