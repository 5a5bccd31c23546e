import { metricType, sampleValue } from '../../../../test-support/prometheus-text';
import { freePort } from '../../../../test-support/free-port';
import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { createLogger, type RunningProcess, startProcess } from '../../src/processes';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const MESSAGES_ROUTE = '/api/v1/applications/:app_id/messages';

interface Attempt {
  status: string;
  attempt_number: number;
}

async function scrape(baseUrl: string): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`${baseUrl}/metrics`);

  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

/** Waits until every attempt of the message has reached a final status. */
async function waitForFinalAttempts(pigeon: PigeonUnderTest, appId: string, messageId: string, count: number): Promise<Attempt[]> {
  return eventually(async () => {
    const response = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}/attempts`);
    const attempts = response.json as Attempt[];
    const final = attempts.filter((attempt) => attempt.status === 'succeeded' || attempt.status === 'failed');

    return final.length === count ? attempts : undefined;
  });
}

describe('metrics of a serve process', () => {
  let pigeon: PigeonUnderTest;
  let receivers: TestReceiver[];
  let appId: string;
  let messageId: string;
  let text: string;

  beforeAll(async () => {
    const healthy = await startReceiver([200]);
    const flaky = await startReceiver([500, 200]);
    const broken = await startReceiver([500]);
    const gone = await startReceiver([410]);
    receivers = [healthy, flaky, broken, gone];
    pigeon = await startPigeon({
      PIGEON_WORKER_MAX_RETRIES: '2',
      PIGEON_WORKER_BACKOFF_BASE_SECS: '0',
      PIGEON_WORKER_MAX_BACKOFF_SECS: '0',
    });

    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Metrics', uid: 'metrics' })).json.id;
    const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'order.paid' })).json.id;
    const endpointIds: string[] = [];
    for (const receiver of receivers) {
      const created = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: receiver.url, event_type_ids: [eventTypeId] });
      endpointIds.push(created.json.id);
    }

    const first = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, {
      event_type_id: eventTypeId,
      idempotency_key: 'order-7',
      payload: { order: 7 },
    });
    const duplicate = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, {
      event_type_id: eventTypeId,
      idempotency_key: 'order-7',
      payload: { order: 7 },
    });
    expect([first.status, duplicate.status]).toEqual([201, 200]);
    messageId = first.json.id;
    await waitForFinalAttempts(pigeon, appId, messageId, 4);

    const testEvent = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints/${endpointIds[0]}/test`);
    expect(testEvent.status).toBe(201);
    await healthy.waitForRequests(2);
    await waitForFinalAttempts(pigeon, appId, testEvent.json.message_id, 1);

    await pigeon.request('GET', '/api/v1/nothing-here');
    await pigeon.request('DELETE', '/api/v1/applications');
    await scrape(pigeon.baseUrl);
    text = (await scrape(pigeon.baseUrl)).text;
  });

  afterAll(async () => {
    await pigeon?.stop();
    await Promise.all((receivers ?? []).map((receiver) => receiver.stop()));
  });

  it('serves the Prometheus text format without a token', async () => {
    const response = await scrape(pigeon.baseUrl);

    expect(response.status).toBe(200);
    expect(response.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  });

  it('counts new and duplicate messages but not test events', () => {
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'new' })).toBe(1);
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'duplicate' })).toBe(1);
  });

  it('counts every delivery try by result', () => {
    // healthy: success, success (test event); flaky: failure, success;
    // broken: failure, failure + dead letter; gone (410): failure + dead letter.
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'success' })).toBe(3);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'failure' })).toBe(4);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'dead_letter' })).toBe(2);
  });

  it('times every delivery try in a histogram', () => {
    expect(metricType(text, 'pigeon_delivery_duration_seconds')).toBe('histogram');
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_count')).toBe(7);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_bucket', { le: '+Inf' })).toBe(7);
    expect(sampleValue(text, 'pigeon_delivery_duration_seconds_bucket', { le: '30' })).toBe(7);
  });

  it('reports an empty queue once everything is delivered', () => {
    expect(metricType(text, 'pigeon_queue_depth')).toBe('gauge');
    expect(sampleValue(text, 'pigeon_queue_depth')).toBe(0);
  });

  it('labels HTTP requests with the route pattern', () => {
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'POST', route: MESSAGES_ROUTE, status: '201' })).toBe(1);
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'POST', route: MESSAGES_ROUTE, status: '200' })).toBe(1);
    expect(sampleValue(text, 'pigeon_http_request_duration_seconds_count', { method: 'POST', route: MESSAGES_ROUTE, status: '201' })).toBe(1);
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBe(1);
  });

  it('labels unknown paths as unmatched', () => {
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
  });

  it('labels a wrong method with the route pattern', () => {
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'DELETE', route: '/api/v1/applications', status: '405' })).toBe(1);
  });

  it('never puts ids into labels', () => {
    expect(text).not.toContain(appId);
    expect(text).not.toContain(messageId);
  });

  it('adds Node.js process metrics', () => {
    expect(sampleValue(text, 'process_start_time_seconds')).toBeGreaterThan(0);
  });
});

describe('metrics across api and worker processes', () => {
  let api: PigeonUnderTest;
  let worker: RunningProcess | null = null;
  let receiver: TestReceiver;
  let appId: string;
  let unreachableEventTypeId: string;
  let receivedEventTypeId: string;
  let workerText: string;
  let workerUrl: string;

  const send = (eventTypeId: string) =>
    api.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypeId, payload: { n: 1 } });

  beforeAll(async () => {
    receiver = await startReceiver([200]);
    api = await startPigeon({ PIGEON_WORKER_BACKOFF_BASE_SECS: '3600', PIGEON_WORKER_MAX_BACKOFF_SECS: '7200' }, { mode: 'api' });

    appId = (await api.request('POST', '/api/v1/applications', { name: 'Queue', uid: 'queue' })).json.id;
    unreachableEventTypeId = (await api.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'to.nowhere' })).json.id;
    receivedEventTypeId = (await api.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'to.receiver' })).json.id;
    // Nothing listens on this port, so every try fails with "connection refused".
    const closedPort = await freePort();
    await api.request('POST', `/api/v1/applications/${appId}/endpoints`, {
      url: `http://127.0.0.1:${closedPort}/hook`,
      event_type_ids: [unreachableEventTypeId],
    });
    await api.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: receiver.url, event_type_ids: [receivedEventTypeId] });
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await receiver?.stop();
  });

  it('counts due attempts while no worker runs', async () => {
    const unreachable = [await send(unreachableEventTypeId), await send(unreachableEventTypeId)];
    await Promise.all([send(receivedEventTypeId), send(receivedEventTypeId), send(receivedEventTypeId)]);

    const text = (await scrape(api.baseUrl)).text;

    expect(unreachable.map((response) => response.json.attempts_created)).toEqual([1, 1]);
    expect(sampleValue(text, 'pigeon_queue_depth')).toBe(5);
    expect(sampleValue(text, 'pigeon_messages_total', { status: 'new' })).toBe(5);
    expect(sampleValue(text, 'pigeon_delivery_total', { status: 'success' })).toBe(0);
  });

  it('serves the deliveries of a worker process on its own /metrics', async () => {
    const port = await freePort();
    worker = await startProcess('worker', { ...api.config, listen: { host: '127.0.0.1', port } }, createLogger('silent'));
    workerUrl = `http://127.0.0.1:${port}`;
    await receiver.waitForRequests(3);
    await eventually(async () => {
      const depth = sampleValue((await scrape(api.baseUrl)).text, 'pigeon_queue_depth');
      const delivered = sampleValue((await scrape(workerUrl)).text, 'pigeon_delivery_total', { status: 'failure' });

      return depth === 0 && delivered === 2 ? true : undefined;
    });

    const response = await scrape(workerUrl);
    workerText = response.text;

    expect(response.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(sampleValue(workerText, 'pigeon_delivery_total', { status: 'success' })).toBe(3);
    expect(sampleValue(workerText, 'pigeon_delivery_total', { status: 'failure' })).toBe(2);
    expect(sampleValue(workerText, 'pigeon_delivery_total', { status: 'dead_letter' })).toBe(0);
    expect(sampleValue(workerText, 'pigeon_delivery_duration_seconds_count')).toBe(5);
    expect(sampleValue(workerText, 'pigeon_messages_total', { status: 'new' })).toBe(0);
  });

  it('leaves retries that are not due out of the queue depth', async () => {
    await worker?.stop();
    worker = null;
    await Promise.all([1, 2, 3, 4].map(() => send(receivedEventTypeId)));

    const text = (await scrape(api.baseUrl)).text;

    expect(sampleValue(text, 'pigeon_queue_depth')).toBe(4);
  });

  it('records the worker probe requests by route', () => {
    expect(sampleValue(workerText, 'pigeon_http_requests_total', { method: 'GET', route: '/metrics', status: '200' })).toBeGreaterThan(0);
  });
});

describe('the worker probe listener', () => {
  let api: PigeonUnderTest;
  let worker: RunningProcess;
  let baseUrl: string;

  beforeAll(async () => {
    api = await startPigeon({}, { mode: 'api' });
    const port = await freePort();
    worker = await startProcess('worker', { ...api.config, listen: { host: '127.0.0.1', port } }, createLogger('silent'));
    baseUrl = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
  });

  it.each([
    ['/health', { status: 'healthy' }],
    ['/health/ready', { status: 'ready' }],
    ['/health?verbose=1', { status: 'healthy' }],
  ])('answers GET %s', async (path, body) => {
    const response = await fetch(`${baseUrl}${path}`);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(body);
  });

  it('answers a wrong method with 405 and Allow', async () => {
    const response = await fetch(`${baseUrl}/metrics`, { method: 'POST' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(await response.json()).toEqual({ error: 'method POST is not allowed for /metrics; allowed: GET, HEAD', code: 'method_not_allowed' });
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await fetch(`${baseUrl}/api/v1/applications`);

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(((await response.json()) as { code: string }).code).toBe('not_found');
  });

  it('labels probe requests by route', async () => {
    await fetch(`${baseUrl}/nothing/${'1'.repeat(36)}`);

    const text = (await scrape(baseUrl)).text;

    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBeGreaterThan(0);
    expect(sampleValue(text, 'pigeon_http_requests_total', { method: 'POST', route: '/metrics', status: '405' })).toBe(1);
    expect(text).not.toContain('1'.repeat(36));
  });
});
