import { type Client, createClient } from '@pigeon/client';

/**
 * Error of a console API call. `message` is the server's `error` text when the
 * response has the JSON error body, so pages can show it as it is.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or null when no response arrived. */
    readonly status: number | null,
    /** The server's error `code`, such as `not_found`, when the body has one. */
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Supplies the bearer token for each request; undefined sends none. */
export type AccessTokenSource = () => Promise<string | undefined> | string | undefined;

let accessTokenSource: AccessTokenSource = () => undefined;

/** Sets where API calls take their bearer token from; the auth session calls it once. */
export function setAccessTokenSource(source: AccessTokenSource): void {
  accessTokenSource = source;
}

/**
 * The generated client bound to the origin that served the console, which is
 * where `pigeon dev`, the Vite dev server and the UI image proxy the API.
 */
export const apiClient: Client = createClient({
  baseUrl: window.location.origin,
  auth: async () => (await accessTokenSource()) ?? undefined,
});

interface CallResult {
  data?: unknown;
  error?: unknown;
  response?: Response;
}

/**
 * Awaits a generated-client call and returns its data, or throws an
 * {@link ApiError} that carries the server's `error` text.
 */
export async function unwrap<R extends CallResult>(call: Promise<R>): Promise<Exclude<R['data'], undefined>> {
  let result: R;
  try {
    result = await call;
  } catch (error) {
    throw new ApiError(`The request failed: ${describe(error)}`, null, null);
  }

  const response = result.response;
  if (response === undefined) {
    throw new ApiError(`The server could not be reached: ${describe(result.error)}`, null, null);
  }
  if (response.ok && result.error === undefined) {
    return result.data as Exclude<R['data'], undefined>;
  }

  throw errorFromBody(result.error, response);
}

function errorFromBody(body: unknown, response: Response): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body && typeof body.error === 'string') {
    const code = 'code' in body && typeof body.code === 'string' ? body.code : null;

    return new ApiError(body.error, response.status, code);
  }

  const text = typeof body === 'string' ? body.trim().slice(0, 200) : '';
  const detail = text !== '' ? text : response.statusText;

  return new ApiError(`HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`, response.status, null);
}

/** Returns the message of an error of any kind, for display. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }

  return typeof error === 'string' ? error : String(error);
}
