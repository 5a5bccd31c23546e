import {
  getCurrentScope,
  onScopeDispose,
  reactive,
  readonly,
  toValue,
  type DeepReadonly,
  type MaybeRefOrGetter,
} from 'vue';

export const DEFAULT_HEALTH_URL = '/health/ready';
export const DEFAULT_HEALTH_TIMEOUT_MS = 5_000;

/**
 * Outcome of the last completed readiness check. `not-ready` is the server's own
 * 503 response, and `error` covers network failures, timeouts and unexpected responses.
 */
export type ServerHealthStatus = 'unknown' | 'ready' | 'not-ready' | 'error';

export interface ServerHealthState {
  /** Outcome of the last completed check, `unknown` until the first one completes. */
  status: ServerHealthStatus;
  /** Whether a check is in flight. The previous outcome stays in `status` meanwhile. */
  loading: boolean;
  /** Reason for the `error` status, otherwise null. */
  error: string | null;
}

export interface UseServerHealthOptions {
  /** Readiness endpoint, read again on every check. Defaults to `/health/ready`. */
  url?: MaybeRefOrGetter<string>;
  /** Interval between automatic checks in milliseconds. 0, the default, disables polling. */
  pollIntervalMs?: number;
  /** Time in milliseconds after which a check is aborted and reported as an error. */
  timeoutMs?: number;
  /** Whether to start a check right away. Defaults to true. */
  immediate?: boolean;
}

export interface ServerHealth {
  state: DeepReadonly<ServerHealthState>;
  /** Starts a new check, aborting one still in flight. Never rejects. */
  refresh: () => Promise<void>;
}

type CheckOutcome = Pick<ServerHealthState, 'status' | 'error'>;

/**
 * Tracks the API server's readiness through `GET /health/ready`, which returns
 * 200 `{"status":"ready"}` or 503 `{"status":"not ready"}`.
 *
 * Polling and in-flight requests stop when the calling effect scope (usually a
 * component) is disposed. Called outside a scope, polling runs until the page unloads.
 */
export function useServerHealth(options: UseServerHealthOptions = {}): ServerHealth {
  const url = options.url ?? DEFAULT_HEALTH_URL;
  const pollIntervalMs = options.pollIntervalMs ?? 0;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;

  const state = reactive<ServerHealthState>({ status: 'unknown', loading: false, error: null });
  let inFlight: AbortController | null = null;
  let disposed = false;

  async function refresh(): Promise<void> {
    if (disposed) {
      return;
    }

    // Only the newest check may write the state, so a slow older response
    // cannot overwrite a fresher result.
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    state.loading = true;

    const outcome = await checkReadiness(toValue(url), controller, timeoutMs);

    if (inFlight !== controller || disposed) {
      return;
    }
    inFlight = null;
    state.status = outcome.status;
    state.error = outcome.error;
    state.loading = false;
  }

  let pollTimer: ReturnType<typeof setInterval> | undefined;
  if (pollIntervalMs > 0) {
    pollTimer = setInterval(() => void refresh(), pollIntervalMs);
  }

  if (getCurrentScope()) {
    onScopeDispose(() => {
      disposed = true;
      clearInterval(pollTimer);
      inFlight?.abort();
    });
  }

  if (options.immediate ?? true) {
    void refresh();
  }

  return { state: readonly(state), refresh };
}

async function checkReadiness(url: string, controller: AbortController, timeoutMs: number): Promise<CheckOutcome> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);

  try {
    const response = await fetch(url, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      signal: controller.signal,
    });
    return await interpretResponse(url, response);
  } catch (error) {
    if (timedOut) {
      return { status: 'error', error: `GET ${url} timed out after ${timeoutMs} ms` };
    }
    return { status: 'error', error: `GET ${url} failed: ${describeError(error)}` };
  } finally {
    clearTimeout(timer);
  }
}

async function interpretResponse(url: string, response: Response): Promise<CheckOutcome> {
  const reportedStatus = await readReportedStatus(response);

  if (response.status === 200 && reportedStatus === 'ready') {
    return { status: 'ready', error: null };
  }
  if (response.status === 503 && reportedStatus === 'not ready') {
    return { status: 'not-ready', error: null };
  }

  const detail = reportedStatus === undefined ? 'without a JSON status field' : `with status "${reportedStatus}"`;
  return { status: 'error', error: `GET ${url} returned HTTP ${response.status} ${detail}` };
}

/** Reads the body and returns its JSON `status` field, or undefined when it has none. */
async function readReportedStatus(response: Response): Promise<string | undefined> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'status' in body && typeof body.status === 'string') {
      return body.status;
    }
  } catch {
    // A proxy error page or an empty body is reported by the caller as an unexpected response.
  }
  return undefined;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
