import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Client } from 'pg';
import { Webhook } from 'standardwebhooks';

import { freePort } from '../../../../test-support/free-port';
import { startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';
import { eventually, type ReceivedRequest, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type ApiResponse, type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(90_000);

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

interface AttemptBody {
  id: string;
  endpoint_id: string;
  status: string;
  attempt_number: number;
  response_code: number | null;
  error: string | null;
}

function hmacHex(secret: string, body: Buffer): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

function verifies(secret: string, request: ReceivedRequest): boolean {
  try {
    new Webhook(secret).verify(request.body.toString('utf8'), {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    });

    return true;
  } catch {
    return false;
  }
}

function statuses(responses: ApiResponse[]): number[] {
  return responses.map((response) => response.status).sort();
}

describe('operator actions end to end', () => {
  let pigeon: PigeonUnderTest;
  let otherIssuer: TestIssuer;
  let otherToken: string;
  const receivers: TestReceiver[] = [];
  let appId: string;
  let siblingAppId: string;
  let apps: string;

  async function receiver(answers: readonly number[] = [200]): Promise<TestReceiver> {
    const started = await startReceiver(answers);
    receivers.push(started);

    return started;
  }

  async function eventType(name: string, app = appId): Promise<string> {
    const response = await pigeon.request('POST', `/api/v1/applications/${app}/event-types`, { name });
    expect(response.status).toBe(201);

    return response.json.id;
  }

  async function endpoint(url: string, eventTypeIds: string[], app = appId): Promise<{ id: string; secret: string }> {
    const response = await pigeon.request('POST', `/api/v1/applications/${app}/endpoints`, { url, event_type_ids: eventTypeIds });
    expect(response.status).toBe(201);

    return { id: response.json.id, secret: response.json.signing_secret };
  }

  async function disable(endpointId: string): Promise<void> {
    const current = await pigeon.request('GET', `${apps}/endpoints/${endpointId}`);
    const response = await pigeon.request('PUT', `${apps}/endpoints/${endpointId}`, {
      url: current.json.url,
      event_type_ids: current.json.event_type_ids,
      enabled: false,
      version: current.json.version,
    });
    expect(response.json.enabled).toBe(false);
  }

  async function send(eventTypeId: string, payload: unknown = { n: 1 }, app = appId): Promise<string> {
    const response = await pigeon.request('POST', `/api/v1/applications/${app}/messages`, { event_type_id: eventTypeId, payload });
    expect(response.status).toBe(201);

    return response.json.id;
  }

  async function attemptsOf(messageId: string, app = appId): Promise<AttemptBody[]> {
    const response = await pigeon.request('GET', `/api/v1/applications/${app}/messages/${messageId}/attempts`);

    return response.json;
  }

  /** Waits until the message has a dead letter that is not replayed yet and returns it. */
  async function openDeadLetterOf(messageId: string): Promise<{ id: string; [field: string]: unknown }> {
    return eventually(async () => {
      const response = await pigeon.request('GET', `${apps}/dead-letters?replayed=false&limit=100`);

      return (response.json.items as Array<{ id: string; message_id: string }>).find((item) => item.message_id === messageId);
    }, 20_000, `an open dead letter of message ${messageId}`);
  }

  async function waitForAttempts(messageId: string, done: (attempts: AttemptBody[]) => boolean): Promise<AttemptBody[]> {
    return eventually(async () => {
      const attempts = await attemptsOf(messageId);

      return done(attempts) ? attempts : undefined;
    }, 20_000, `attempts of message ${messageId}`);
  }

  beforeAll(async () => {
    // Two tries with no backoff make dead letters quick. Auto-disable is off, so
    // repeated dead letters of one endpoint never disable it.
    pigeon = await startPigeon({
      PIGEON_WORKER_MAX_RETRIES: '2',
      PIGEON_WORKER_BACKOFF_BASE_SECS: '0',
      PIGEON_WORKER_AUTO_DISABLE_THRESHOLD: '0',
    });
    otherIssuer = await startTestIssuer('other-tenant');

    const client = new Client({ connectionString: pigeon.database.url });
    await client.connect();
    const orgId = randomUUID();
    await client.query(`INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, 'Other', 'other', now())`, [orgId]);
    await client.query(
      `INSERT INTO oidc_configs (id, org_id, issuer_url, audience, jwks_url, created_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [randomUUID(), orgId, otherIssuer.issuerUrl, otherIssuer.audience, otherIssuer.jwksUrl],
    );
    await client.end();
    otherToken = otherIssuer.token({ sub: 'other-user' });

    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Ops', uid: 'ops' })).json.id;
    siblingAppId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Sibling', uid: 'sibling' })).json.id;
    apps = `/api/v1/applications/${appId}`;
  });

  afterAll(async () => {
    await pigeon?.stop();
    await otherIssuer?.stop();
    await Promise.all(receivers.map((started) => started.stop()));
  });

  describe('signing secret rotation', () => {
    let hook: TestReceiver;
    let endpointId: string;
    let firstSecret: string;
    let newSecret: string;

    async function testDelivery(): Promise<ReceivedRequest> {
      const before = hook.requests.length;
      const response = await pigeon.request('POST', `${apps}/endpoints/${endpointId}/test`);
      expect(response.status).toBe(201);
      const requests = await hook.waitForRequests(before + 1);

      return requests[before]!;
    }

    beforeAll(async () => {
      hook = await receiver();
      ({ id: endpointId, secret: firstSecret } = await endpoint(hook.url, []));
    });

    it('adds a newest secret and shows both masked', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints/${endpointId}/rotate`);
      newSecret = response.json.new_secret;

      expect(response.status).toBe(200);
      expect(newSecret).toMatch(/^whsec_[0-9a-f]{64}$/);
      expect(response.json.signing_secrets_masked).toEqual([`whsec_...${newSecret.slice(-6)}`, `whsec_...${firstSecret.slice(-6)}`]);
    });

    it('keeps the full secrets out of the endpoint', async () => {
      const response = await pigeon.request('GET', `${apps}/endpoints/${endpointId}`);

      expect(response.json.signing_secrets_masked).toHaveLength(2);
      expect(response.json.version).toBe(2);
      expect(response.text).not.toContain(newSecret);
    });

    it('signs deliveries with both secrets in both header schemes', async () => {
      const request = await testDelivery();

      expect(request.headers['x-pigeon-signature']).toBe(`sha256=${hmacHex(newSecret, request.body)},sha256=${hmacHex(firstSecret, request.body)}`);
      expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifies(newSecret, request)).toBe(true);
      expect(verifies(firstSecret, request)).toBe(true);
    });

    it('rejects a third secret', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints/${endpointId}/rotate`);

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'validation error: endpoint already has the maximum number of signing secrets (2)', code: 'bad_request' });
    });

    it.each([
      ['a word', 'abc'],
      ['a negative number', '-1'],
      ['a fraction', '1.5'],
    ])('rejects %s as index', async (_case, index) => {
      const response = await pigeon.request('DELETE', `${apps}/endpoints/${endpointId}/secrets/${index}`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('index must be a non-negative integer');
    });

    it('rejects an index out of bounds', async () => {
      const response = await pigeon.request('DELETE', `${apps}/endpoints/${endpointId}/secrets/2`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: signing secret index out of bounds');
    });

    it('revokes the old secret so deliveries carry one signature', async () => {
      const revoked = await pigeon.request('DELETE', `${apps}/endpoints/${endpointId}/secrets/1`);

      const request = await testDelivery();

      expect(revoked.status).toBe(204);
      expect(revoked.text).toBe('');
      expect(request.headers['x-pigeon-signature']).toBe(`sha256=${hmacHex(newSecret, request.body)}`);
      expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(1);
      expect(verifies(newSecret, request)).toBe(true);
      expect(verifies(firstSecret, request)).toBe(false);
    });

    it('rejects revoking the last secret', async () => {
      const response = await pigeon.request('DELETE', `${apps}/endpoints/${endpointId}/secrets/0`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: cannot revoke the last signing secret');
    });

    it('accepts an empty JSON body', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints/${endpointId}/rotate`, undefined, {
        rawBody: '',
        headers: { 'content-type': 'application/json' },
      });

      expect(response.status).toBe(200);
      expect(response.json.signing_secrets_masked).toHaveLength(2);
    });

    it.each([
      ['rotate', 'POST', (id: string) => `${apps}/endpoints/${id}/rotate`],
      ['revoke', 'DELETE', (id: string) => `${apps}/endpoints/${id}/secrets/0`],
    ])('reports an endpoint of another application as not found on %s', async (_route, method, path) => {
      const { id: siblingEndpoint } = await endpoint(hook.url, [], siblingAppId);

      const response = await pigeon.request(method, path(siblingEndpoint));

      const untouched = await pigeon.request('GET', `/api/v1/applications/${siblingAppId}/endpoints/${siblingEndpoint}`);
      expect(response.status).toBe(404);
      expect(untouched.json.version).toBe(1);
    });

    it.each([
      ['rotate', 404, 'POST', `/endpoints/${UNKNOWN_ID}/rotate`],
      ['revoke', 404, 'DELETE', `/endpoints/${UNKNOWN_ID}/secrets/0`],
      ['rotate with a malformed id', 400, 'POST', '/endpoints/nope/rotate'],
      ['revoke with a malformed id', 400, 'DELETE', '/endpoints/nope/secrets/0'],
    ])('answers %s with %i', async (_case, status, method, path) => {
      const response = await pigeon.request(method, `${apps}${path}`);

      expect(response.status).toBe(status);
    });

    it('revokes the newest secret at index 0', async () => {
      const before = await pigeon.request('GET', `${apps}/endpoints/${endpointId}`);

      const response = await pigeon.request('DELETE', `${apps}/endpoints/${endpointId}/secrets/0`);

      const after = await pigeon.request('GET', `${apps}/endpoints/${endpointId}`);
      expect(response.status).toBe(204);
      expect(after.json.signing_secrets_masked).toEqual([before.json.signing_secrets_masked[1]]);
      expect(after.json.version).toBe(before.json.version + 1);
    });
  });

  describe('test events', () => {
    let chosen: TestReceiver;
    let bystander: TestReceiver;
    let chosenEndpoint: { id: string; secret: string };
    let messageId: string;
    let request: ReceivedRequest;

    beforeAll(async () => {
      chosen = await receiver();
      bystander = await receiver();
      const subscribed = await eventType('test.bystander');
      chosenEndpoint = await endpoint(chosen.url, [subscribed]);
      await endpoint(bystander.url, [subscribed]);

      const response = await pigeon.request('POST', `${apps}/endpoints/${chosenEndpoint.id}/test`);
      expect(response.status).toBe(201);
      messageId = response.json.message_id;
      request = (await chosen.waitForRequests(1))[0]!;
    });

    it('answers with the message id only', async () => {
      const message = await pigeon.request('GET', `${apps}/messages/${messageId}`);

      expect(message.status).toBe(200);
      expect(message.json.id).toBe(messageId);
    });

    it('delivers the test payload', () => {
      const payload = JSON.parse(request.body.toString('utf8'));

      expect(Object.keys(payload)).toEqual(['type', 'timestamp', 'message']);
      expect(payload.type).toBe('pigeon.test');
      expect(payload.message).toBe('This is a test event from Pigeon');
      expect(payload.timestamp).toMatch(RFC3339_UTC);
    });

    it('signs the delivery with the endpoint secret', () => {
      expect(request.headers['x-pigeon-signature']).toBe(`sha256=${hmacHex(chosenEndpoint.secret, request.body)}`);
      expect(verifies(chosenEndpoint.secret, request)).toBe(true);
      expect(request.headers['webhook-id']).toBe(messageId);
      expect(request.headers['x-pigeon-event-type']).toBe('pigeon.test');
    });

    it('creates one attempt for the chosen endpoint only', async () => {
      const attempts = await waitForAttempts(messageId, (all) => all.every((attempt) => attempt.status === 'succeeded'));

      expect(attempts.map((attempt) => attempt.endpoint_id)).toEqual([chosenEndpoint.id]);
      expect(bystander.requests).toHaveLength(0);
    });

    it('counts the delivery on the message', async () => {
      const message = await eventually(async () => {
        const response = await pigeon.request('GET', `${apps}/messages/${messageId}`);

        return response.json.succeeded === 1 ? response.json : undefined;
      });

      expect(message).toMatchObject({ attempts_created: 1, succeeded: 1, failed: 0, dead_lettered: 0 });
    });

    it('delivers to a disabled endpoint', async () => {
      const quiet = await receiver();
      const { id } = await endpoint(quiet.url, []);
      await disable(id);

      const response = await pigeon.request('POST', `${apps}/endpoints/${id}/test`);

      expect(response.status).toBe(201);
      expect((await quiet.waitForRequests(1))[0]!.headers['x-pigeon-event-type']).toBe('pigeon.test');
    });

    it('gives each test message a fresh idempotency key', async () => {
      const second = await pigeon.request('POST', `${apps}/endpoints/${chosenEndpoint.id}/test`);

      const first = await pigeon.request('GET', `${apps}/messages/${messageId}`);
      const again = await pigeon.request('GET', `${apps}/messages/${second.json.message_id}`);
      expect(again.json.idempotency_key).not.toBe(first.json.idempotency_key);
    });

    it('reports an endpoint of another application as not found', async () => {
      const { id: siblingEndpoint } = await endpoint(chosen.url, [], siblingAppId);

      const response = await pigeon.request('POST', `${apps}/endpoints/${siblingEndpoint}/test`);

      expect(response.status).toBe(404);
      expect(response.json.code).toBe('not_found');
    });

    it('reports an unknown endpoint as not found', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints/${UNKNOWN_ID}/test`);

      expect(response.status).toBe(404);
    });

    it('rejects a malformed endpoint id', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints/not-a-uuid/test`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('id must be a UUID');
    });

    it('keeps the test event type hidden', async () => {
      const message = await pigeon.request('GET', `${apps}/messages/${messageId}`);

      const direct = await pigeon.request('GET', `${apps}/event-types/${message.json.event_type_id}`);
      const listed = await pigeon.request('GET', `${apps}/event-types?limit=100`);

      expect(direct.status).toBe(404);
      expect(listed.json.items.map((item: { id: string }) => item.id)).not.toContain(message.json.event_type_id);
    });
  });

  describe('the pigeon.test event type', () => {
    let testTypeId: string;
    let hookId: string;

    beforeAll(async () => {
      const hook = await receiver();
      hookId = (await endpoint(hook.url, [])).id;
      const sent = await pigeon.request('POST', `${apps}/endpoints/${hookId}/test`);
      testTypeId = (await pigeon.request('GET', `${apps}/messages/${sent.json.message_id}`)).json.event_type_id;
    });

    it('cannot be renamed', async () => {
      const response = await pigeon.request('PUT', `${apps}/event-types/${testTypeId}`, { name: 'renamed', version: 1 });

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: System event types cannot be modified');
    });

    it('cannot be deleted', async () => {
      const response = await pigeon.request('DELETE', `${apps}/event-types/${testTypeId}`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: System event types cannot be deleted');
    });

    it('cannot be subscribed to on create', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints`, { url: 'http://127.0.0.1:9/x', event_type_ids: [testTypeId] });

      expect(response.status).toBe(400);
      expect(response.json.error).toBe(`validation error: Event type not found: ${testTypeId}`);
    });

    it('cannot be subscribed to on update', async () => {
      const current = await pigeon.request('GET', `${apps}/endpoints/${hookId}`);

      const response = await pigeon.request('PUT', `${apps}/endpoints/${hookId}`, {
        url: current.json.url,
        event_type_ids: [testTypeId],
        version: current.json.version,
      });

      expect(response.status).toBe(400);
      expect(response.json.error).toBe(`validation error: Event type not found: ${testTypeId}`);
    });

    it('cannot be sent to', async () => {
      const response = await pigeon.request('POST', `${apps}/messages`, { event_type_id: testTypeId, payload: { a: 1 } });

      expect(response.status).toBe(400);
      expect(response.json.error).toBe(`validation error: Event type not found: ${testTypeId}`);
    });

    it('still carries test events afterwards', async () => {
      const response = await pigeon.request('POST', `${apps}/endpoints/${hookId}/test`);

      const message = await pigeon.request('GET', `${apps}/messages/${response.json.message_id}`);
      expect(response.status).toBe(201);
      expect(message.json.event_type_id).toBe(testTypeId);
    });
  });

  describe('retrigger', () => {
    let eventTypeId: string;
    let original: TestReceiver;
    let added: TestReceiver;
    let originalId: string;
    let addedId: string;
    let disabledId: string;
    let messageId: string;

    beforeAll(async () => {
      original = await receiver();
      added = await receiver();
      eventTypeId = await eventType('parcel.shipped');
      originalId = (await endpoint(original.url, [eventTypeId])).id;
      messageId = await send(eventTypeId, { parcel: 1 });
      await original.waitForRequests(1);
    });

    it('rejects a message every matching endpoint already has', async () => {
      const response = await pigeon.request('POST', `${apps}/messages/${messageId}/retrigger`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: no new endpoints to deliver to — all matching endpoints already have attempts');
    });

    it('reaches a newly added endpoint only', async () => {
      addedId = (await endpoint(added.url, [eventTypeId])).id;
      disabledId = (await endpoint('http://127.0.0.1:9/never', [eventTypeId])).id;
      await disable(disabledId);

      const response = await pigeon.request('POST', `${apps}/messages/${messageId}/retrigger`, undefined, {
        rawBody: '',
        headers: { 'content-type': 'application/json' },
      });

      expect(response.status).toBe(200);
      expect(response.json).toEqual({ message_id: messageId, attempts_created: 1 });
      expect((await added.waitForRequests(1))[0]!.body.toString('utf8')).toBe('{"parcel":1}');
      const attempts = await waitForAttempts(messageId, (all) => all.every((attempt) => attempt.status === 'succeeded'));
      expect(attempts.map((attempt) => attempt.endpoint_id).sort()).toEqual([originalId, addedId].sort());
      expect(original.requests).toHaveLength(1);
    });

    it('adds the new attempts to the message counters', async () => {
      const message = await pigeon.request('GET', `${apps}/messages/${messageId}`);

      expect(message.json.attempts_created).toBe(2);
    });

    it('creates one attempt for concurrent retriggers', async () => {
      const late = await receiver();
      const lateId = (await endpoint(late.url, [eventTypeId])).id;

      const responses = await Promise.all(
        Array.from({ length: 5 }, () => pigeon.request('POST', `${apps}/messages/${messageId}/retrigger`)),
      );

      const attempts = await attemptsOf(messageId);
      expect(statuses(responses)).toEqual([200, 400, 400, 400, 400]);
      expect(attempts.filter((attempt) => attempt.endpoint_id === lateId)).toHaveLength(1);
      expect((await pigeon.request('GET', `${apps}/messages/${messageId}`)).json.attempts_created).toBe(3);
    });

    it('reports a message of another application as not found', async () => {
      const siblingType = await eventType('sibling.thing', siblingAppId);
      const siblingMessage = await send(siblingType, { s: 1 }, siblingAppId);

      const response = await pigeon.request('POST', `${apps}/messages/${siblingMessage}/retrigger`);

      expect(response.status).toBe(404);
      expect(response.json.code).toBe('not_found');
    });

    it('reports an unknown message as not found', async () => {
      const response = await pigeon.request('POST', `${apps}/messages/${UNKNOWN_ID}/retrigger`);

      expect(response.status).toBe(404);
    });

    it('rejects a malformed message id', async () => {
      const response = await pigeon.request('POST', `${apps}/messages/not-a-uuid/retrigger`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('id must be a UUID');
    });
  });

  describe('retrying a failed attempt', () => {
    let flaky: TestReceiver;
    let endpointId: string;
    let messageId: string;
    let attemptId: string;
    let deadLetterId: string;

    beforeAll(async () => {
      flaky = await receiver([500, 500, 200]);
      const eventTypeId = await eventType('invoice.retried');
      endpointId = (await endpoint(flaky.url, [eventTypeId])).id;
      messageId = await send(eventTypeId, { invoice: 'retry' });
      deadLetterId = (await openDeadLetterOf(messageId)).id;
      attemptId = (await attemptsOf(messageId))[0]!.id;
    });

    it('counts the exhausted attempt as failed', async () => {
      const message = await pigeon.request('GET', `${apps}/messages/${messageId}`);

      expect(message.json).toMatchObject({ attempts_created: 1, succeeded: 0, failed: 1, dead_lettered: 1 });
    });

    it('puts the attempt back to pending', async () => {
      const response = await pigeon.request('POST', `${apps}/attempts/${attemptId}/retry`);

      expect(response.status).toBe(200);
      expect(response.json).toEqual({ id: attemptId, message_id: messageId, endpoint_id: endpointId, status: 'pending' });
    });

    it('tries again starting at attempt number 1', async () => {
      const requests = await flaky.waitForRequests(3);

      expect(requests.map((request) => request.headers['x-pigeon-attempt'])).toEqual(['1', '2', '1']);
      expect(requests[2]!.body.toString('utf8')).toBe('{"invoice":"retry"}');
    });

    it('ends the attempt succeeded', async () => {
      const attempts = await waitForAttempts(messageId, (all) => all[0]?.status === 'succeeded');

      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ id: attemptId, attempt_number: 1, response_code: 200 });
    });

    it('no longer counts the message as failed', async () => {
      const message = await pigeon.request('GET', `${apps}/messages/${messageId}`);

      expect(message.json).toMatchObject({ attempts_created: 1, succeeded: 1, failed: 0, dead_lettered: 1 });
    });

    it('lists the message as delivered', async () => {
      const delivered = await pigeon.request('GET', `${apps}/messages?status=delivered&limit=100`);
      const failed = await pigeon.request('GET', `${apps}/messages?status=failed&limit=100`);

      expect(delivered.json.items.map((item: { id: string }) => item.id)).toContain(messageId);
      expect(failed.json.items.map((item: { id: string }) => item.id)).not.toContain(messageId);
    });

    it('marks the dead letter of the attempt replayed', async () => {
      const deadLetter = await pigeon.request('GET', `${apps}/dead-letters/${deadLetterId}`);
      const replay = await pigeon.request('POST', `${apps}/dead-letters/${deadLetterId}/replay`);

      expect(deadLetter.json.replayed_at).toMatch(RFC3339_UTC);
      expect(replay.status).toBe(400);
      expect(replay.json.error).toBe('validation error: Dead letter has already been replayed');
    });

    it('rejects an attempt that is not failed', async () => {
      const response = await pigeon.request('POST', `${apps}/attempts/${attemptId}/retry`);

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'validation error: Only failed attempts can be retried', code: 'bad_request' });
    });

    it('dead-letters a failing retry after two tries', async () => {
      const broken = await receiver([500]);
      const eventTypeId = await eventType('invoice.broken');
      await endpoint(broken.url, [eventTypeId]);
      const brokenMessage = await send(eventTypeId);
      const first = await openDeadLetterOf(brokenMessage);
      const brokenAttempt = (await attemptsOf(brokenMessage))[0]!.id;

      await pigeon.request('POST', `${apps}/attempts/${brokenAttempt}/retry`);

      const second = await openDeadLetterOf(brokenMessage);
      expect(second.id).not.toBe(first.id);
      expect(broken.requests.map((request) => request.headers['x-pigeon-attempt'])).toEqual(['1', '2', '1', '2']);
      expect((await pigeon.request('GET', `${apps}/messages/${brokenMessage}`)).json).toMatchObject({ failed: 1, dead_lettered: 2 });
    });

    it('reports an unknown attempt as not found', async () => {
      const response = await pigeon.request('POST', `${apps}/attempts/${UNKNOWN_ID}/retry`);

      expect(response.status).toBe(404);
    });

    it('reports an attempt of another application as not found', async () => {
      const response = await pigeon.request('POST', `/api/v1/applications/${siblingAppId}/attempts/${attemptId}/retry`);

      expect(response.status).toBe(404);
    });

    it('rejects a malformed attempt id', async () => {
      const response = await pigeon.request('POST', `${apps}/attempts/nope/retry`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('id must be a UUID');
    });
  });

  describe('dead letters', () => {
    let flaky: TestReceiver;
    let endpointId: string;
    let messageId: string;
    let deadLetterId: string;
    let unreachableDeadLetterId: string;
    let unreachableEndpointId: string;
    let unreachableMessageId: string;

    beforeAll(async () => {
      flaky = await receiver([500, 500, 200]);
      const eventTypeId = await eventType('invoice.replayed');
      endpointId = (await endpoint(flaky.url, [eventTypeId])).id;
      messageId = await send(eventTypeId, { invoice: 'replay' });
      deadLetterId = (await openDeadLetterOf(messageId)).id;

      // Nothing listens on this port, so every try ends without an HTTP response.
      const closedPort = await freePort();
      const closedType = await eventType('invoice.unreachable');
      unreachableEndpointId = (await endpoint(`http://127.0.0.1:${closedPort}/hook`, [closedType])).id;
      unreachableMessageId = await send(closedType);
      unreachableDeadLetterId = (await openDeadLetterOf(unreachableMessageId)).id;
    });

    it('returns a dead letter with its last response', async () => {
      const response = await pigeon.request('GET', `${apps}/dead-letters/${deadLetterId}`);

      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        id: deadLetterId,
        message_id: messageId,
        endpoint_id: endpointId,
        app_id: appId,
        last_response_code: 500,
        last_response_body: 'status 500',
        last_error: null,
        dead_lettered_at: expect.stringMatching(RFC3339_UTC),
        replayed_at: null,
      });
    });

    it('stores why a try got no response', async () => {
      const response = await pigeon.request('GET', `${apps}/dead-letters/${unreachableDeadLetterId}`);

      expect(response.json.last_response_code).toBeNull();
      expect(response.json.last_error).toBe('connection refused');
    });

    it('lists the failed attempt with its error', async () => {
      const attempts = await attemptsOf(unreachableMessageId);

      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ status: 'failed', attempt_number: 2, response_code: null, error: 'connection refused' });
    });

    it('lists dead letters newest first', async () => {
      const response = await pigeon.request('GET', `${apps}/dead-letters?limit=100`);

      const times = response.json.items.map((item: { dead_lettered_at: string }) => Date.parse(item.dead_lettered_at));
      expect(response.status).toBe(200);
      expect(times).toEqual([...times].sort((left, right) => right - left));
      expect(response.json.total).toBe(response.json.items.length);
    });

    it('filters by endpoint', async () => {
      const response = await pigeon.request('GET', `${apps}/dead-letters?endpoint_id=${unreachableEndpointId}`);

      expect(response.json.items.map((item: { id: string }) => item.id)).toEqual([unreachableDeadLetterId]);
      expect(response.json.total).toBe(1);
    });

    it('paginates', async () => {
      const response = await pigeon.request('GET', `${apps}/dead-letters?limit=1&offset=1`);

      expect(response.json.items).toHaveLength(1);
      expect(response.json).toMatchObject({ offset: 1, limit: 1 });
      expect(response.json.total).toBeGreaterThan(1);
    });

    it.each([
      ['replayed=yes', 'replayed must be true or false'],
      ['endpoint_id=abc', 'endpoint_id must be a UUID'],
      ['limit=-1', 'limit must be a non-negative integer'],
    ])('rejects the query %s', async (query, message) => {
      const response = await pigeon.request('GET', `${apps}/dead-letters?${query}`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe(message);
    });

    it('replays a dead letter to a disabled endpoint', async () => {
      await disable(endpointId);

      const response = await pigeon.request('POST', `${apps}/dead-letters/${deadLetterId}/replay`);

      expect(response.status).toBe(200);
      expect(response.json).toEqual({
        id: deadLetterId,
        message_id: messageId,
        endpoint_id: endpointId,
        replayed_at: expect.stringMatching(RFC3339_UTC),
      });
    });

    it('delivers the replay again with a fresh budget', async () => {
      const requests = await flaky.waitForRequests(3);

      expect(requests.map((request) => request.headers['x-pigeon-attempt'])).toEqual(['1', '2', '1']);
      expect(requests[2]!.body.toString('utf8')).toBe('{"invoice":"replay"}');
    });

    it('keeps the failed attempt and adds a succeeded one', async () => {
      const attempts = await waitForAttempts(messageId, (all) => all.some((attempt) => attempt.status === 'succeeded'));

      expect(attempts.map((attempt) => attempt.status).sort()).toEqual(['failed', 'succeeded']);
    });

    it('filters by replayed', async () => {
      const replayed = await pigeon.request('GET', `${apps}/dead-letters?replayed=true&limit=100`);
      const open = await pigeon.request('GET', `${apps}/dead-letters?replayed=false&limit=100`);

      expect(replayed.json.items.map((item: { id: string }) => item.id)).toContain(deadLetterId);
      expect(open.json.items.map((item: { id: string }) => item.id)).not.toContain(deadLetterId);
      expect(open.json.items.map((item: { id: string }) => item.id)).toContain(unreachableDeadLetterId);
    });

    it('rejects a second replay', async () => {
      const response = await pigeon.request('POST', `${apps}/dead-letters/${deadLetterId}/replay`);

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'validation error: Dead letter has already been replayed', code: 'bad_request' });
    });

    it('rejects retrying the attempt of a replayed dead letter', async () => {
      const failed = (await attemptsOf(messageId)).find((attempt) => attempt.status === 'failed')!;

      const response = await pigeon.request('POST', `${apps}/attempts/${failed.id}/retry`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: the dead letter of this attempt has already been replayed');
    });

    it('reports a dead letter of another application as not found', async () => {
      const get = await pigeon.request('GET', `/api/v1/applications/${siblingAppId}/dead-letters/${unreachableDeadLetterId}`);
      const replay = await pigeon.request('POST', `/api/v1/applications/${siblingAppId}/dead-letters/${unreachableDeadLetterId}/replay`);

      expect(get.status).toBe(404);
      expect(replay.status).toBe(404);
    });

    it('reports an unknown dead letter as not found', async () => {
      const get = await pigeon.request('GET', `${apps}/dead-letters/${UNKNOWN_ID}`);
      const replay = await pigeon.request('POST', `${apps}/dead-letters/${UNKNOWN_ID}/replay`);

      expect(get.status).toBe(404);
      expect(replay.status).toBe(404);
    });

    it('rejects a malformed dead letter id', async () => {
      const response = await pigeon.request('POST', `${apps}/dead-letters/nope/replay`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('id must be a UUID');
    });
  });

  describe('concurrent replays and retries', () => {
    let broken: TestReceiver;
    let slow: Server;
    let slowUrl: string;
    let raced = 0;
    const slowAnswers = new Set<NodeJS.Timeout>();

    beforeAll(async () => {
      broken = await receiver([500]);
      // Responds after 2 s, so an attempt put back in the queue by the winning
      // request stays in flight until every racing request has its response.
      slow = createServer((_request, response) => {
        const answer = setTimeout(() => {
          slowAnswers.delete(answer);
          response.writeHead(500).end();
        }, 2000);
        slowAnswers.add(answer);
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`;
    });

    afterAll(async () => {
      slowAnswers.forEach((answer) => clearTimeout(answer));
      slow?.closeAllConnections();
      await new Promise<void>((resolve) => (slow ? slow.close(() => resolve()) : resolve()));
    });

    async function deadLetteredMessage(): Promise<{ messageId: string; deadLetterId: string; attemptId: string }> {
      raced += 1;
      const eventTypeId = await eventType(`invoice.raced.${raced}`);
      const { id: endpointId } = await endpoint(broken.url, [eventTypeId]);
      const messageId = await send(eventTypeId);
      const deadLetterId = (await openDeadLetterOf(messageId)).id;
      const attemptId = (await attemptsOf(messageId))[0]!.id;

      const current = await pigeon.request('GET', `${apps}/endpoints/${endpointId}`);
      await pigeon.request('PUT', `${apps}/endpoints/${endpointId}`, {
        url: slowUrl,
        event_type_ids: current.json.event_type_ids,
        version: current.json.version,
      });

      return { messageId, deadLetterId, attemptId };
    }

    it('replays a dead letter once', async () => {
      const { messageId, deadLetterId } = await deadLetteredMessage();

      const responses = await Promise.all(
        Array.from({ length: 6 }, () => pigeon.request('POST', `${apps}/dead-letters/${deadLetterId}/replay`)),
      );

      expect(statuses(responses)).toEqual([200, 400, 400, 400, 400, 400]);
      expect(await attemptsOf(messageId)).toHaveLength(2);
    });

    it('retries an attempt once', async () => {
      const { attemptId } = await deadLetteredMessage();

      const responses = await Promise.all(Array.from({ length: 6 }, () => pigeon.request('POST', `${apps}/attempts/${attemptId}/retry`)));

      expect(statuses(responses)).toEqual([200, 400, 400, 400, 400, 400]);
    });

    it('lets either a retry or a replay win, not both', async () => {
      const { messageId, deadLetterId, attemptId } = await deadLetteredMessage();

      const responses = await Promise.all([
        pigeon.request('POST', `${apps}/attempts/${attemptId}/retry`),
        pigeon.request('POST', `${apps}/dead-letters/${deadLetterId}/replay`),
        pigeon.request('POST', `${apps}/attempts/${attemptId}/retry`),
        pigeon.request('POST', `${apps}/dead-letters/${deadLetterId}/replay`),
      ]);

      const winners = responses.filter((response) => response.status === 200);
      const attempts = await attemptsOf(messageId);
      expect(statuses(responses)).toEqual([200, 400, 400, 400]);
      expect(attempts).toHaveLength(winners[0]!.json.replayed_at === undefined ? 1 : 2);
    });
  });

  describe('another organization', () => {
    let endpointId: string;
    let messageId: string;
    let attemptId: string;
    let deadLetterId: string;

    beforeAll(async () => {
      const broken = await receiver([500]);
      const eventTypeId = await eventType('invoice.private');
      endpointId = (await endpoint(broken.url, [eventTypeId])).id;
      messageId = await send(eventTypeId);
      deadLetterId = (await openDeadLetterOf(messageId)).id;
      attemptId = (await attemptsOf(messageId))[0]!.id;
    });

    it.each([
      ['rotate', 'POST', () => `${apps}/endpoints/${endpointId}/rotate`],
      ['revoke', 'DELETE', () => `${apps}/endpoints/${endpointId}/secrets/0`],
      ['test', 'POST', () => `${apps}/endpoints/${endpointId}/test`],
      ['retrigger', 'POST', () => `${apps}/messages/${messageId}/retrigger`],
      ['retry', 'POST', () => `${apps}/attempts/${attemptId}/retry`],
      ['list dead letters', 'GET', () => `${apps}/dead-letters`],
      ['get dead letter', 'GET', () => `${apps}/dead-letters/${deadLetterId}`],
      ['replay', 'POST', () => `${apps}/dead-letters/${deadLetterId}/replay`],
    ])('gets 404 for %s', async (_route, method, path) => {
      const response = await pigeon.request(method, path(), undefined, { token: otherToken });

      expect(response.status).toBe(404);
      expect(response.json.code).toBe('not_found');
    });

    it('changes nothing', async () => {
      const endpoint = await pigeon.request('GET', `${apps}/endpoints/${endpointId}`);
      const deadLetter = await pigeon.request('GET', `${apps}/dead-letters/${deadLetterId}`);
      const attempts = await attemptsOf(messageId);

      expect(endpoint.json).toMatchObject({ version: 1, signing_secrets_masked: [expect.any(String)] });
      expect(deadLetter.json.replayed_at).toBeNull();
      expect(attempts).toHaveLength(1);
    });
  });

  describe('audit log', () => {
    it.each(['RotateSigningSecret', 'RevokeSigningSecret', 'SendTestEvent', 'RetriggerMessage', 'RetryAttempt', 'ReplayDeadLetter'])(
      'records %s successes and failures',
      async (command) => {
        const response = await pigeon.request('GET', `/api/v1/audit-log?command=${command}&limit=1000`);

        const entries = response.json.items as Array<{ command_name: string; success: boolean; error_message: string | null }>;
        expect(entries.every((entry) => entry.command_name === command)).toBe(true);
        expect(entries.some((entry) => entry.success && entry.error_message === null)).toBe(true);
        expect(entries.some((entry) => !entry.success && entry.error_message !== null)).toBe(true);
      },
    );
  });
});
