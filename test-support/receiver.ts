import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
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
 * gives the answer to each request in turn; the last one repeats. The `reply`
 * option scripts headers and bodies as well.
 */
export interface TestReceiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Most requests the receiver held open at the same time. */
  maxConcurrent(): number;
  waitForRequests(count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  stop(): Promise<void>;
}

/** A scripted response of the receiver. */
export interface ReceiverReply {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Response body; `status <code>` by default. */
  readonly body?: string | Buffer;
  /** When set, sends the headers and then one byte per interval, never ending the body; `body` is ignored. */
  readonly trickleIntervalMs?: number;
}

export interface ReceiverOptions {
  /** Milliseconds to wait before answering each request. */
  readonly delayMs?: number;
  /** Builds the answer to the request with this zero-based index. Replaces `statuses` when set. */
  readonly reply?: (index: number) => ReceiverReply;
}

function sendReply(response: ServerResponse, reply: ReceiverReply, done: () => void): void {
  const headers = { 'content-type': 'text/plain', ...reply.headers };
  if (reply.trickleIntervalMs === undefined) {
    response.writeHead(reply.status, headers).end(reply.body ?? `status ${reply.status}`);
    done();

    return;
  }

  response.writeHead(reply.status, headers);
  response.flushHeaders();
  const timer = setInterval(() => response.write('.'), reply.trickleIntervalMs);
  response.once('close', () => {
    clearInterval(timer);
    done();
  });
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
      const index = requests.length;
      const reply = options.reply?.(index) ?? { status: statuses[Math.min(index, statuses.length - 1)] ?? 200 };
      const answer = () =>
        sendReply(response, reply, () => {
          open -= 1;
        });
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
