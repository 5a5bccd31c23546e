import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';

import { WebhookSender, type WebhookOutcome, type WebhookRequest } from '@pigeon/application';

import { BlockedDestinationError, DestinationGuard } from './destination-guard';

/** Settings of {@link HttpWebhookSender}. */
export interface HttpWebhookSenderOptions {
  /** Opens loopback, private networks and CGNAT space as destinations. */
  readonly allowPrivateNetworks: boolean;
  /** CIDR ranges exempt from the destination guard, for example `10.0.0.0/8` or `fd00::/8`. */
  readonly allowedCidrs: readonly string[];
  /** Max bytes of the response body that are kept. Reading stops there and the connection is closed. */
  readonly responseBodyMaxBytes: number;
  readonly userAgent: string;
}

/** Max open sockets per host, so a slow receiver can tie up at most this many connections. */
const MAX_SOCKETS_PER_HOST = 64;

const MAX_REASON_LENGTH = 200;

const TLS_REASONS: Readonly<Record<string, string>> = {
  CERT_HAS_EXPIRED: 'certificate has expired',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in chain',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unable to verify the first certificate',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unable to get local issuer certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'certificate does not match host name',
};

/** OpenSSL X.509 verification codes as Node reports them, without the `X509_V_ERR_` prefix. */
const CERTIFICATE_ERROR_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

const DNS_ERROR_CODES: ReadonlySet<string> = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_FAIL',
  'EAI_NODATA',
  'EAI_NONAME',
]);

/** Facts about a failed try that the reason text needs. */
interface FailureContext {
  readonly hostname: string;
  readonly timeoutMs: number;
  readonly timedOut: boolean;
}

/**
 * Delivers webhooks over HTTP(S) with Node's own client. It replaced axios,
 * whose request and header merging took 7 % of the server's CPU in the
 * benchmark (docs/benchmarks.md). Destinations pass the
 * {@link DestinationGuard} at connect time, after DNS resolution, on every new
 * connection. Redirects are not followed, the response body is read only up to
 * `responseBodyMaxBytes`, and `timeoutMs` bounds the whole exchange from connect
 * to the end of the body. Library errors become short reasons and never leave this class.
 */
export class HttpWebhookSender extends WebhookSender {
  private readonly guard: DestinationGuard;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  /** Throws an Error naming the entry when one of `allowedCidrs` is invalid. */
  constructor(private readonly options: HttpWebhookSenderOptions) {
    super();

    this.guard = new DestinationGuard(options);

    // The agents pass `lookup` to every socket they open, so the guard runs at connect time.
    const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS_PER_HOST, lookup: this.guard.lookup };
    this.httpAgent = new http.Agent(agentOptions);
    this.httpsAgent = new https.Agent(agentOptions);
  }

  override async send(request: WebhookRequest): Promise<WebhookOutcome> {
    const startedAt = performance.now();
    const elapsedMs = (): number => Math.round(performance.now() - startedAt);

    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return unreachable('invalid URL', elapsedMs());
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return unreachable(`unsupported URL scheme ${url.protocol}`, elapsedMs());
    }

    // Node skips `lookup` for IP literals, so the agent's guard would never see them.
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(hostname) !== 0) {
      const category = this.guard.check(hostname);
      if (category !== null) {
        return unreachable(new BlockedDestinationError(hostname, category).message, elapsedMs());
      }
    }

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), request.timeoutMs);
    const failure = (error: unknown): WebhookOutcome => {
      const context = { hostname, timeoutMs: request.timeoutMs, timedOut: controller.signal.aborted };

      return unreachable(describeFailure(error, context), elapsedMs());
    };

    try {
      let response: http.IncomingMessage;
      try {
        response = await this.post(url, request, controller.signal);
      } catch (error) {
        return failure(error);
      }

      const durationMs = elapsedMs();

      let body: Buffer;
      try {
        body = await readCapped(response, this.options.responseBodyMaxBytes, controller.signal);
      } catch (error) {
        return failure(error);
      }

      return toOutcome(response, body.toString('utf8'), durationMs);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * POSTs the body and resolves with the response once its headers arrive.
   * Node's client follows no redirects, reads no proxy settings from the
   * environment (a proxy would make the guard check the proxy's address) and
   * leaves the body compressed, as it came.
   */
  private post(url: URL, request: WebhookRequest, signal: AbortSignal): Promise<http.IncomingMessage> {
    const secure = url.protocol === 'https:';
    const headers = this.buildHeaders(request.headers);
    headers['content-length'] = String(request.body.length);

    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const outgoing = (secure ? https : http).request(url, {
        method: 'POST',
        agent: secure ? this.httpsAgent : this.httpAgent,
        headers,
        signal,
      });
      outgoing.once('response', resolve);
      // Also catches failures after the response began, which the body reader sees on the response.
      outgoing.on('error', reject);
      outgoing.end(request.body);
    });
  }

  /** Destroys the pooled keep-alive sockets. A later send opens new ones. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /**
   * Merges default headers with the request's headers. Names are lower-cased so
   * that a request header replaces the default of the same name.
   */
  private buildHeaders(requestHeaders: Readonly<Record<string, string>>): Record<string, string> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: '*/*',
      // Asks for an uncompressed body, because the sender stores it without decompressing.
      'accept-encoding': 'identity',
    };
    for (const [name, value] of Object.entries(requestHeaders)) {
      headers[name.toLowerCase()] = value;
    }

    return headers;
  }
}

/**
 * Reads `stream` until `maxBytes` bytes or its end, then destroys it. Past the cap
 * only the rest of the chunk that crossed it has been received, and it is dropped.
 * Rejects with the abort reason when `signal` aborts.
 */
function readCapped(stream: Readable, maxBytes: number, signal: AbortSignal): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;

    const finish = (error?: unknown): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      signal.removeEventListener('abort', onAbort);

      // The destroy below can emit a late error that nothing reads, and an
      // unhandled 'error' event would crash the process.
      stream.on('error', () => undefined);
      stream.destroy();

      if (error === undefined) {
        resolve(Buffer.concat(chunks, length));
      } else {
        reject(error);
      }
    };
    const onData = (chunk: Buffer): void => {
      const room = maxBytes - length;
      if (chunk.length >= room) {
        chunks.push(chunk.subarray(0, room));
        length += room;
        finish();

        return;
      }

      chunks.push(chunk);
      length += chunk.length;
    };
    const onEnd = (): void => finish();
    const onError = (error: unknown): void => finish(error);
    // A connection that drops mid-body may close the stream without an error.
    const onClose = (): void => finish(Object.assign(new Error('response ended early'), { code: 'ECONNRESET' }));
    const onAbort = (): void => finish(signal.reason);

    if (signal.aborted) {
      finish(signal.reason);

      return;
    }
    if (maxBytes <= 0) {
      finish();

      return;
    }

    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    stream.once('close', onClose);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function toOutcome(response: http.IncomingMessage, body: string, durationMs: number): WebhookOutcome {
  const statusCode = response.statusCode ?? 0;
  if (statusCode >= 200 && statusCode < 300) {
    return { kind: 'delivered', statusCode, body, durationMs };
  }

  const retryAfterHeader = response.headers['retry-after'];
  const retryAfterSeconds =
    (statusCode === 429 || statusCode === 503) && typeof retryAfterHeader === 'string'
      ? parseRetryAfter(retryAfterHeader, Date.now())
      : null;

  return { kind: 'rejected', statusCode, body, durationMs, retryAfterSeconds };
}

/**
 * Parses a `Retry-After` value, delay seconds or an HTTP date (RFC 9110), into
 * whole seconds from `nowMs`. A date in the past gives 0, and a value that is
 * neither form gives null.
 */
export function parseRetryAfter(value: string, nowMs: number): number | null {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    return Number(text);
  }

  // Date.parse also reads loose text such as "7.5" as a date, so only text that
  // starts like an HTTP date is tried.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)/i.test(text)) {
    return null;
  }

  // The asctime form carries no zone, and HTTP dates are always GMT.
  const zoned = /(GMT|UTC)$/i.test(text) ? text : `${text} GMT`;
  const dateMs = Date.parse(zoned);
  if (Number.isNaN(dateMs)) {
    return null;
  }

  return Math.max(0, Math.ceil((dateMs - nowMs) / 1000));
}

function unreachable(reason: string, durationMs: number): WebhookOutcome {
  const short = reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;

  return { kind: 'unreachable', reason: short, durationMs };
}

/** Turns an error from Node or the guard into a short reason without library text. */
function describeFailure(error: unknown, context: FailureContext): string {
  const errors = flattenErrors(error);

  const blocked = errors.find((item) => item instanceof BlockedDestinationError);
  if (blocked instanceof BlockedDestinationError) {
    return blocked.message;
  }
  if (context.timedOut) {
    return `timed out after ${formatSeconds(context.timeoutMs)} s`;
  }

  const codes = errors.map(errorCode).filter((code): code is string => code !== undefined);
  const has = (...candidates: string[]): boolean => codes.some((code) => candidates.includes(code));

  if (codes.some((code) => DNS_ERROR_CODES.has(code))) {
    return `DNS lookup failed for ${context.hostname}`;
  }
  // EPROTO wraps OpenSSL failures, so a more specific code further down the chain is preferred.
  const tlsError =
    errors.find((item) => isTlsErrorCode(errorCode(item)) && errorCode(item) !== 'EPROTO') ??
    errors.find((item) => isTlsErrorCode(errorCode(item)));
  if (tlsError !== undefined) {
    return `TLS error: ${describeTlsError(tlsError)}`;
  }
  if (has('ECONNREFUSED')) {
    return 'connection refused';
  }
  if (has('ECONNRESET', 'EPIPE')) {
    return 'connection reset';
  }
  if (has('ETIMEDOUT', 'ECONNABORTED')) {
    return 'connection timed out';
  }
  if (has('EHOSTUNREACH')) {
    return 'host unreachable';
  }
  if (has('ENETUNREACH')) {
    return 'network unreachable';
  }
  if (codes.some((code) => code.startsWith('HPE_'))) {
    return 'invalid HTTP response';
  }

  const firstCode = codes[0];

  return firstCode === undefined ? 'request failed' : `request failed (${firstCode})`;
}

/**
 * Lists an error with its `cause` chain and the members of aggregate errors,
 * such as Node's failure after trying every address of a host.
 */
function flattenErrors(error: unknown): unknown[] {
  const found: unknown[] = [];
  const pending: unknown[] = [error];

  // `found.includes` skips errors already seen, so a cause cycle ends, and the limit caps very long chains.
  while (pending.length > 0 && found.length < 20) {
    const current = pending.shift();
    if (current === undefined || current === null || found.includes(current)) {
      continue;
    }
    found.push(current);

    // Fields, not instanceof: Node's internal errors may come from another realm.
    const { errors, cause } = typeof current === 'object' ? (current as { errors?: unknown; cause?: unknown }) : {};
    if (Array.isArray(errors)) {
      pending.push(...(errors as unknown[]));
    }
    if (cause !== undefined) {
      pending.push(cause);
    }
  }

  return found;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) {
    return undefined;
  }

  return typeof error.code === 'string' ? error.code : undefined;
}

/** Reads an error's message as a field, because errors from Node's internals may come from another realm (as under Jest). */
function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;

  return typeof message === 'string' ? message : '';
}

function isTlsErrorCode(code: string | undefined): boolean {
  if (code === undefined) {
    return false;
  }

  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') {
    return true;
  }

  return CERTIFICATE_ERROR_CODES.has(code);
}

/**
 * Uses a fixed text for common codes, else the code in words (`ERR_SSL_WRONG_VERSION_NUMBER`
 * gives `wrong version number`). EPROTO carries only an OpenSSL error line such as
 * `...:SSL routines:ssl3_get_record:wrong version number:...`, so its short reason field is taken from there.
 */
function describeTlsError(error: unknown): string {
  const code = errorCode(error) ?? '';
  const known = TLS_REASONS[code];
  if (known !== undefined) {
    return known;
  }
  if (code === 'EPROTO') {
    const message = errorMessage(error);
    const openSslReason = /SSL routines:[^:]*:([a-z0-9 ]{1,80}):/i.exec(message)?.[1];

    return openSslReason ?? 'protocol error';
  }

  return code
    .replace(/^ERR_(SSL|TLS)_/, '')
    .toLowerCase()
    .replace(/_/g, ' ');
}

function formatSeconds(milliseconds: number): string {
  return String(Number((milliseconds / 1000).toFixed(3)));
}
