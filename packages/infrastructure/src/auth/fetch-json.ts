/** Time limit of one request for a discovery document or a JWKS. */
export const OIDC_FETCH_TIMEOUT_MS = 5000;

/** Largest discovery document or JWKS accepted; real ones are a few kilobytes. */
const MAX_BODY_BYTES = 1024 * 1024;

/** A failed request for an OIDC document; `reason` is short and safe to log. */
export class OidcFetchError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'OidcFetchError';
  }
}

/**
 * Sends a GET for a JSON document of an identity provider and returns the
 * parsed body. The time limit covers the whole exchange, body included.
 *
 * @throws OidcFetchError on a network error, a timeout, a status other than
 * 2xx, a body larger than 1 MiB or a body that is not JSON.
 */
export async function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
  const signal = AbortSignal.timeout(timeoutMs);

  try {
    const response = await fetch(url, { signal, headers: { accept: 'application/json, application/jwk-set+json' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new OidcFetchError(`HTTP status ${response.status}`);
    }

    const text = await readText(response);

    try {
      return JSON.parse(text);
    } catch {
      throw new OidcFetchError('response is not JSON');
    }
  } catch (error) {
    if (error instanceof OidcFetchError) {
      throw error;
    }
    if (signal.aborted) {
      throw new OidcFetchError(`timed out after ${timeoutMs} ms`);
    }

    throw new OidcFetchError(`request failed: ${networkErrorCode(error)}`);
  }
}

async function readText(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new OidcFetchError('response is larger than 1 MiB');
  }
  if (response.body === null) {
    return '';
  }

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;

  for (;;) {
    const { done, value } = await reader.read();
    if (done) {
      break;
    }

    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw new OidcFetchError('response is larger than 1 MiB');
    }
    chunks.push(value);
  }

  return Buffer.concat(chunks).toString('utf8');
}

/** Extracts the errno code (ECONNREFUSED, ENOTFOUND, ...) that undici stores in `cause`, if any. */
function networkErrorCode(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;

  return typeof cause?.code === 'string' ? cause.code : 'network error';
}
