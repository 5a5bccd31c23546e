import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import type { WebhookOutcome, WebhookRequest } from '@pigeon/application';

import {
  HttpWebhookSender,
  parseRetryAfter,
  type HttpWebhookSenderOptions,
} from '../../src/delivery/http-webhook-sender';

interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

interface Receiver {
  readonly port: number;
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted, to prove a blocked send never connected. */
  connections: number;
}

type Respond = (response: http.ServerResponse) => void;

const servers: http.Server[] = [];
const senders: HttpWebhookSender[] = [];

/** Starts a receiver on 127.0.0.1 that records each request in full, then calls `respond`. */
async function startReceiver(respond: Respond): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests.push({
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      respond(response);
    });
  });
  servers.push(server);

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = { port, url: `http://127.0.0.1:${port}/hook`, requests, connections: 0 };
  server.on('connection', () => {
    receiver.connections += 1;
  });

  return receiver;
}

function respondWith(status: number, body: string | Buffer = '', headers: http.OutgoingHttpHeaders = {}): Respond {
  return (response) => {
    response.writeHead(status, headers);
    response.end(body);
  };
}

function createSender(overrides: Partial<HttpWebhookSenderOptions> = {}): HttpWebhookSender {
  const sender = new HttpWebhookSender({
    allowPrivateNetworks: true,
    allowedCidrs: [],
    responseBodyMaxBytes: 64 * 1024,
    userAgent: 'Pigeon-Test/1.0',
    ...overrides,
  });
  senders.push(sender);

  return sender;
}

function webhookRequest(url: string, overrides: Partial<WebhookRequest> = {}): WebhookRequest {
  return {
    url,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from('{"type":"user.created"}'),
    timeoutMs: 5000,
    ...overrides,
  };
}

function expectKind<K extends WebhookOutcome['kind']>(
  outcome: WebhookOutcome,
  kind: K,
): Extract<WebhookOutcome, { kind: K }> {
  expect(outcome.kind).toBe(kind);

  return outcome as Extract<WebhookOutcome, { kind: K }>;
}

afterEach(async () => {
  for (const sender of senders.splice(0)) {
    sender.close();
  }
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('HttpWebhookSender destination guard', () => {
  it('rejects loopback receiver by default', async () => {
    const receiver = await startReceiver(respondWith(200));
    const sender = createSender({ allowPrivateNetworks: false });

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'unreachable');

    expect(outcome.reason).toBe('blocked destination 127.0.0.1: loopback');
    expect(receiver.requests).toHaveLength(0);
    expect(receiver.connections).toBe(0);
  });

  it('rejects localhost after DNS resolution', async () => {
    const receiver = await startReceiver(respondWith(200));
    const sender = createSender({ allowPrivateNetworks: false });

    const request = webhookRequest(`http://localhost:${receiver.port}/hook`);

    const outcome = expectKind(await sender.send(request), 'unreachable');

    expect(outcome.reason).toMatch(/^blocked destination (127\.0\.0\.1|::1): loopback$/);
    expect(receiver.connections).toBe(0);
  });

  it('rejects IPv6 loopback literals', async () => {
    const sender = createSender({ allowPrivateNetworks: false });

    const plain = expectKind(await sender.send(webhookRequest('http://[::1]:9/hook')), 'unreachable');
    const mapped = expectKind(await sender.send(webhookRequest('http://[::ffff:127.0.0.1]:9/hook')), 'unreachable');

    expect(plain.reason).toBe('blocked destination ::1: loopback');
    expect(mapped.reason).toBe('blocked destination ::ffff:7f00:1: loopback');
  });

  it('delivers to allowed CIDR', async () => {
    const receiver = await startReceiver(respondWith(200, 'ok'));
    const sender = createSender({ allowPrivateNetworks: false, allowedCidrs: ['127.0.0.0/8'] });

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'delivered');

    expect(outcome.statusCode).toBe(200);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe('HttpWebhookSender request', () => {
  it('sends exact body and headers', async () => {
    const receiver = await startReceiver(respondWith(204));
    const sender = createSender();
    const body = Buffer.concat([Buffer.from('{"name":"Zoë ✓"}', 'utf8'), Buffer.from([0x00, 0xff, 0x0a])]);
    const headers = {
      'content-type': 'application/json',
      'webhook-id': 'msg_2Lh9',
      'webhook-timestamp': '1700000000',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    };

    await sender.send(webhookRequest(`${receiver.url}?source=test`, { headers, body }));

    expect(receiver.requests).toHaveLength(1);
    const received = receiver.requests[0]!;
    expect(received.method).toBe('POST');
    expect(received.url).toBe('/hook?source=test');
    expect(received.body.equals(body)).toBe(true);
    expect(received.headers['content-length']).toBe(String(body.length));
    expect(received.headers['user-agent']).toBe('Pigeon-Test/1.0');
    expect(received.headers['accept-encoding']).toBe('identity');
    for (const [name, value] of Object.entries(headers)) {
      expect(received.headers[name]).toBe(value);
    }
  });

  it('request header replaces user agent', async () => {
    const receiver = await startReceiver(respondWith(204));
    const sender = createSender();

    await sender.send(webhookRequest(receiver.url, { headers: { 'User-Agent': 'Custom/2' } }));

    expect(receiver.requests[0]?.headers['user-agent']).toBe('Custom/2');
  });

  it('reuses kept-alive connection', async () => {
    const receiver = await startReceiver(respondWith(200));
    const sender = createSender();

    await sender.send(webhookRequest(receiver.url));
    await sender.send(webhookRequest(receiver.url));

    expect(receiver.requests).toHaveLength(2);
    expect(receiver.connections).toBe(1);
  });
});

describe('HttpWebhookSender outcomes', () => {
  it('2xx is delivered', async () => {
    const receiver = await startReceiver(respondWith(202, 'accepted'));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'delivered');

    expect(outcome.statusCode).toBe(202);
    expect(outcome.body).toBe('accepted');
    expect(Number.isInteger(outcome.durationMs)).toBe(true);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('500 is rejected without Retry-After', async () => {
    const receiver = await startReceiver(respondWith(500, 'boom', { 'retry-after': '7' }));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'rejected');

    expect(outcome.statusCode).toBe(500);
    expect(outcome.body).toBe('boom');
    expect(outcome.retryAfterSeconds).toBeNull();
  });

  it('302 is rejected, not followed', async () => {
    const target = await startReceiver(respondWith(200));
    const receiver = await startReceiver(respondWith(302, '', { location: target.url }));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'rejected');

    expect(outcome.statusCode).toBe(302);
    expect(outcome.retryAfterSeconds).toBeNull();
    expect(target.requests).toHaveLength(0);
    expect(target.connections).toBe(0);
  });

  it('410 is rejected', async () => {
    const receiver = await startReceiver(respondWith(410, 'gone'));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'rejected');

    expect(outcome.statusCode).toBe(410);
    expect(outcome.body).toBe('gone');
  });

  it('429 carries Retry-After seconds', async () => {
    const receiver = await startReceiver(respondWith(429, '', { 'retry-after': '7' }));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'rejected');

    expect(outcome.statusCode).toBe(429);
    expect(outcome.retryAfterSeconds).toBe(7);
  });

  it('503 carries Retry-After date', async () => {
    const retryAt = new Date(Date.now() + 30_000).toUTCString();
    const receiver = await startReceiver(respondWith(503, '', { 'retry-after': retryAt }));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'rejected');

    // toUTCString drops milliseconds, so the delay is 29 or 30 seconds.
    expect(outcome.retryAfterSeconds).toBeGreaterThanOrEqual(29);
    expect(outcome.retryAfterSeconds).toBeLessThanOrEqual(30);
  });

  it('caps response body', async () => {
    const receiver = await startReceiver(respondWith(200, Buffer.alloc(1024 * 1024, 'a')));
    const sender = createSender({ responseBodyMaxBytes: 1000 });

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'delivered');

    expect(outcome.body).toHaveLength(1000);
    expect(outcome.body).toBe('a'.repeat(1000));
  });

  it('zero cap stores empty body', async () => {
    const receiver = await startReceiver(respondWith(200, 'ignored'));
    const sender = createSender({ responseBodyMaxBytes: 0 });

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'delivered');

    expect(outcome.body).toBe('');
  });

  it('decodes invalid UTF-8 lossily', async () => {
    const receiver = await startReceiver(respondWith(400, Buffer.from([0x68, 0x69, 0xff])));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'rejected');

    expect(outcome.body).toBe('hi\uFFFD');
  });
});

describe('HttpWebhookSender failures', () => {
  it('times out trickling body', async () => {
    const receiver = await startReceiver((response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.flushHeaders();
      const interval = setInterval(() => response.write('x'), 200);
      response.on('close', () => clearInterval(interval));
    });
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url, { timeoutMs: 1000 })), 'unreachable');

    expect(outcome.reason).toBe('timed out after 1 s');
    expect(outcome.durationMs).toBeGreaterThanOrEqual(950);
    expect(outcome.durationMs).toBeLessThan(2000);
  });

  it('times out without response', async () => {
    const receiver = await startReceiver(() => undefined);
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url, { timeoutMs: 300 })), 'unreachable');

    expect(outcome.reason).toBe('timed out after 0.3 s');
  });

  it('closed port is connection refused', async () => {
    const receiver = await startReceiver(respondWith(200));
    const server = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'unreachable');

    expect(outcome.reason).toBe('connection refused');
  });

  it('reset connection is connection reset', async () => {
    const receiver = await startReceiver((response) => response.socket?.destroy());
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'unreachable');

    expect(outcome.reason).toBe('connection reset');
  });

  it('a body cut off mid-way is connection reset', async () => {
    const receiver = await startReceiver((response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('partial');
      setTimeout(() => response.socket?.destroy(), 20);
    });
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest(receiver.url)), 'unreachable');

    expect(outcome.reason).toBe('connection reset');
  });

  it('TLS to plain HTTP is TLS error', async () => {
    const receiver = await startReceiver(respondWith(200));
    const sender = createSender();

    const outcome = expectKind(
      await sender.send(webhookRequest(`https://127.0.0.1:${receiver.port}/hook`)),
      'unreachable',
    );

    expect(outcome.reason).toBe('TLS error: wrong version number');
  });

  it('unsupported scheme is unreachable', async () => {
    const sender = createSender();

    const outcome = expectKind(await sender.send(webhookRequest('ftp://127.0.0.1/hook')), 'unreachable');

    expect(outcome.reason).toBe('unsupported URL scheme ftp:');
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-01T12:00:00Z');

  it.each([
    ['7', 7],
    [' 120 ', 120],
    ['0', 0],
    ['Wed, 01 May 2024 12:00:30 GMT', 30],
    ['Wednesday, 01-May-24 12:00:30 GMT', 30],
    ['Wed May  1 12:00:30 2024', 30],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
  ])('parses %s as %s', (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });

  it.each(['', 'soon', '7.5', '-3', 'Wed, 99 Foo 2024'])('returns null for %s', (value) => {
    expect(parseRetryAfter(value, now)).toBeNull();
  });
});
