import { createHmac } from 'node:crypto';

import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

// Whitespace, key order, a big integer, 1e21, escapes and emoji: the receiver
// must get exactly the compact form of this text.
const PAYLOAD_TEXT = `{ "z": 1, "a": [1, 2, {"big": 123456789012345678901234567890}], "e": "caf\\u00e9 \\"quoted\\" 🐦",\n  "f": 1e21, "nested": {"b": [], "a": {}} }`;
const COMPACT_PAYLOAD = `{"z":1,"a":[1,2,{"big":123456789012345678901234567890}],"e":"caf\\u00e9 \\"quoted\\" 🐦","f":1e21,"nested":{"b":[],"a":{}}}`;

describe('message delivery end to end', () => {
  let pigeon: PigeonUnderTest;
  let healthy: TestReceiver;
  let flaky: TestReceiver;
  let broken: TestReceiver;
  let appId: string;
  let eventTypeId: string;
  let healthySecret: string;

  beforeAll(async () => {
    healthy = await startReceiver([200]);
    flaky = await startReceiver([500, 503, 200]);
    broken = await startReceiver([500]);
    pigeon = await startPigeon({
      PIGEON_WORKER_BACKOFF_BASE_SECS: '1',
      PIGEON_WORKER_MAX_BACKOFF_SECS: '60',
      PIGEON_WORKER_MAX_RETRIES: '3',
    });

    const app = await pigeon.request('POST', '/api/v1/applications', { name: 'Shop', uid: 'shop' });
    appId = app.json.id;
    const eventType = await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'order.created' });
    eventTypeId = eventType.json.id;

    const created = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, {
      url: healthy.url,
      event_type_ids: [eventTypeId],
    });
    healthySecret = created.json.signing_secret;
    await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: flaky.url, event_type_ids: [eventTypeId] });
  });

  afterAll(async () => {
    await pigeon?.stop();
    await Promise.all([healthy?.stop(), flaky?.stop(), broken?.stop()]);
  });

  describe('a sent message', () => {
    let messageId: string;

    beforeAll(async () => {
      const sent = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, undefined, {
        rawBody: `{"event_type_id": "${eventTypeId}", "idempotency_key": "order-1", "payload": ${PAYLOAD_TEXT}}`,
      });
      expect(sent.status).toBe(201);
      messageId = sent.json.id;
      await healthy.waitForRequests(1);
      await flaky.waitForRequests(3);
    });

    it('reports two attempts created', async () => {
      const message = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}`);

      expect(message.json.attempts_created).toBe(2);
    });

    it('echoes the payload as written, compacted', async () => {
      const message = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}`);

      expect(message.text).toContain(`"payload":${COMPACT_PAYLOAD}`);
    });

    it('delivers the exact payload bytes to both receivers', () => {
      expect(healthy.requests[0]?.body.toString('utf8')).toBe(COMPACT_PAYLOAD);
      expect(flaky.requests[2]?.body.toString('utf8')).toBe(COMPACT_PAYLOAD);
    });

    it('sends identical bytes on every try', () => {
      const bodies = flaky.requests.map((request) => request.body.toString('hex'));

      expect(new Set(bodies).size).toBe(1);
    });

    it('signs X-Pigeon-Signature with the endpoint secret', () => {
      const request = healthy.requests[0]!;
      const expected = createHmac('sha256', healthySecret).update(request.body).digest('hex');

      expect(request.headers['x-pigeon-signature']).toBe(`sha256=${expected}`);
    });

    it('signs webhook-signature so standardwebhooks verifies it', () => {
      const request = healthy.requests[0]!;
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };

      const verified = new Webhook(healthySecret).verify(request.body.toString('utf8'), headers);

      expect(verified).toEqual(JSON.parse(COMPACT_PAYLOAD));
      expect(headers['webhook-id']).toBe(messageId);
    });

    it('names the event type and the try number in headers', () => {
      expect(flaky.requests.map((request) => request.headers['x-pigeon-attempt'])).toEqual(['1', '2', '3']);
      expect(flaky.requests[0]?.headers['x-pigeon-event-type']).toBe('order.created');
      expect(flaky.requests[0]?.headers['user-agent']).toMatch(/^Pigeon\//);
    });

    it('waits longer before each retry', () => {
      const [first, second, third] = flaky.requests.map((request) => request.receivedAt);
      const firstGap = second! - first!;
      const secondGap = third! - second!;

      expect(firstGap).toBeGreaterThanOrEqual(850);
      expect(secondGap).toBeGreaterThan(firstGap);
      expect(secondGap).toBeGreaterThanOrEqual(1750);
    });

    it('ends the flaky endpoint attempt succeeded after three tries', async () => {
      const attempts = await eventually(async () => {
        const response = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}/attempts`);
        const all = response.json as Array<{ status: string; attempt_number: number; response_code: number }>;

        return all.every((attempt) => attempt.status === 'succeeded') ? all : undefined;
      });

      expect(attempts.map((attempt) => attempt.attempt_number).sort()).toEqual([1, 3]);
      expect(attempts.map((attempt) => attempt.response_code)).toEqual([200, 200]);
    });

    it('returns the stored message for a resend with the same idempotency key', async () => {
      const resent = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, {
        event_type_id: eventTypeId,
        idempotency_key: 'order-1',
        payload: { other: true },
      });

      expect(resent.status).toBe(200);
      expect(resent.json.was_duplicate).toBe(true);
      expect(resent.json.id).toBe(messageId);
      expect(resent.json.attempts_created).toBe(0);
    });

    it('delivers nothing new for the duplicate', async () => {
      await new Promise((resolve) => setTimeout(resolve, 500));

      expect(healthy.requests).toHaveLength(1);
      expect(flaky.requests).toHaveLength(3);
    });
  });

  describe('an endpoint that always fails', () => {
    let messageId: string;
    let endpointId: string;

    beforeAll(async () => {
      const eventType = await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'invoice.failed' });
      const endpoint = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, {
        url: broken.url,
        event_type_ids: [eventType.json.id],
      });
      endpointId = endpoint.json.id;
      const sent = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, {
        event_type_id: eventType.json.id,
        payload: { invoice: 7 },
      });
      messageId = sent.json.id;
      await broken.waitForRequests(3);
    });

    it('is tried exactly the configured number of times', async () => {
      await new Promise((resolve) => setTimeout(resolve, 2500));

      expect(broken.requests).toHaveLength(3);
    });

    it('ends the attempt failed on its third try', async () => {
      const attempts = await eventually(async () => {
        const response = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}/attempts`);

        return response.json[0]?.status === 'failed' ? response.json : undefined;
      });

      expect(attempts[0].attempt_number).toBe(3);
      expect(attempts[0].response_code).toBe(500);
      expect(attempts[0].response_body).toBe('status 500');
    });

    it('writes one dead letter', async () => {
      const client = new Client({ connectionString: pigeon.database.url });
      await client.connect();

      const result = await client.query('SELECT message_id, endpoint_id, last_response_code FROM dead_letters');
      await client.end();

      expect(result.rows).toEqual([{ message_id: messageId, endpoint_id: endpointId, last_response_code: 500 }]);
    });

    it('counts the message as dead-lettered', async () => {
      const message = await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}`);

      expect(message.json).toMatchObject({ attempts_created: 1, succeeded: 0, failed: 1, dead_lettered: 1 });
    });
  });
});
