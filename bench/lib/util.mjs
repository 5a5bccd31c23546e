// Small helpers shared by the bench scripts: command-line options, statistics,
// HTTP on 127.0.0.1 and free ports.
import http from 'node:http';
import { createServer } from 'node:net';

/**
 * Parses `--key value`, `--key=value`, `--flag` and `--no-flag` into an object
 * with camelCase keys over `defaults`. Numeric strings become numbers.
 */
export function parseOptions(argv, defaults) {
  const options = { ...defaults };

  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (!argument.startsWith('--')) {
      throw new Error(`unexpected argument ${JSON.stringify(argument)}: options start with --`);
    }

    let key = argument.slice(2);
    let value;
    const equals = key.indexOf('=');
    if (equals >= 0) {
      value = key.slice(equals + 1);
      key = key.slice(0, equals);
    } else if (key.startsWith('no-')) {
      key = key.slice(3);
      value = false;
    } else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
      value = argv[++i];
    } else {
      value = true;
    }

    if (typeof value === 'string' && value !== '' && !Number.isNaN(Number(value))) {
      value = Number(value);
    }
    options[key.replace(/-([a-z])/g, (_, letter) => letter.toUpperCase())] = value;
  }

  return options;
}

/** Nearest-rank percentiles of `values`, plus max and mean; nulls when there are none. */
export function percentiles(values, ranks = [50, 95, 99]) {
  if (values.length === 0) {
    return Object.fromEntries([...ranks.map((rank) => [`p${rank}`, null]), ['max', null], ['mean', null]]);
  }

  const sorted = Float64Array.from(values).sort();
  const result = {};
  for (const rank of ranks) {
    const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1));
    result[`p${rank}`] = sorted[index];
  }
  result.max = sorted[sorted.length - 1];
  result.mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;

  return result;
}

/** Median of the numbers in `values`, ignoring null and NaN; null when none are left. */
export function median(values) {
  const sorted = values.filter((value) => value !== null && value !== undefined && !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) {
    return null;
  }

  const middle = sorted.length >> 1;

  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Milliseconds since the Unix epoch with sub-millisecond resolution. */
export const nowMs = () => performance.timeOrigin + performance.now();

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const round1 = (value) => (value === null || value === undefined ? null : Math.round(value * 10) / 10);

export const round3 = (value) => (value === null || value === undefined ? null : Math.round(value * 1000) / 1000);

/**
 * Sends one request to a loopback URL and returns `{ status, text, json }`;
 * `json` is the parsed body when it is JSON. Rejects on a network error or
 * after `timeoutMs`.
 */
export function request(url, { method = 'GET', body, headers = {}, timeoutMs = 10_000 } = {}) {
  const target = new URL(url);
  if (target.hostname !== '127.0.0.1') {
    return Promise.reject(new Error(`refusing to send a request to ${target.hostname}: the bench talks to 127.0.0.1 only`));
  }

  let payload = body;
  if (body !== undefined && typeof body !== 'string') {
    payload = JSON.stringify(body);
  }
  const allHeaders = payload === undefined ? headers : { 'content-type': 'application/json', ...headers };

  return new Promise((resolve, reject) => {
    const outgoing = http.request(target, { method, headers: allHeaders, timeout: timeoutMs }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json;
        if ((response.headers['content-type'] ?? '').includes('json') && text !== '') {
          json = JSON.parse(text);
        }
        resolve({ status: response.statusCode, text, json });
      });
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

/** Like `request`, but rejects unless the status is 2xx. */
export async function requestOk(url, options) {
  const response = await request(url, options);
  if (response.status < 200 || response.status > 299) {
    throw new Error(`${options?.method ?? 'GET'} ${url} failed with HTTP ${response.status}: ${response.text.slice(0, 300)}`);
  }

  return response;
}

/** Polls `url` until it responds with 2xx; rejects after `timeoutMs` with the last error. */
export async function waitForHttp(url, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError = null;

  while (Date.now() < deadline) {
    try {
      return await requestOk(url, { timeoutMs: 2000 });
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }

  throw new Error(`${url} did not respond with 2xx within ${timeoutMs} ms: ${lastError?.message}`);
}

/** Asks the OS for a free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}
