import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly receivedAt: number;
}

/**
 * An HTTP webhook receiver on 127.0.0.1 that records every request. `statuses`
 * gives the answer to each request in turn; the last one repeats.
 */
export interface TestReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Most requests the receiver held open at the same time. */
  maxConcurrent(): number;
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  stop(): Promise<void>;
}

export interface ReceiverOptions {
  /** Milliseconds to wait before answering each request. */
  readonly delayMs?: number;
}

export async function startReceiver(statuses: readonly number[] = [200], options: ReceiverOptions = {}): Promise<TestReceiver> {
  let open = 0;
  let peak = 0;
  const requests: ReceivedRequest[] = [];
  const waiters: Array<() => void> = [];

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    open += 1;
    peak = Math.max(peak, open);
    request.on('end', () => {
      const status = statuses[Math.min(requests.length, statuses.length - 1)] ?? 200;
      const answer = () => {
        open -= 1;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`);
      };
      requests.push({
        method: request.method ?? '',
        path: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
        receivedAt: Date.now(),
      });
      waiters.splice(0).forEach((wake) => wake());
      if (options.delayMs === undefined) {
        answer();
      } else {
        setTimeout(answer, options.delayMs);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

  return {
    url,
    requests,
    maxConcurrent: () => peak,
    async waitForRequests(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (requests.length < count) {
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new Error(`receiver got ${requests.length} of ${count} requests within ${timeoutMs} ms`);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(remaining, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }

      return requests.slice(0, count);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what} not reached within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
