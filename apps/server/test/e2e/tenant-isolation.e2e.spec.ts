import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';
import { startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

describe('tenant isolation', () => {
  let pigeon: PigeonUnderTest;
  let otherIssuer: TestIssuer;
  let otherToken: string;
  let receiver: TestReceiver;
  let appId: string;
  let eventTypeId: string;
  let endpointId: string;
  let messageId: string;
  let attemptId: string;

  beforeAll(async () => {
    pigeon = await startPigeon();
    otherIssuer = await startTestIssuer('other-tenant');
    receiver = await startReceiver([200]);

    // A second organization with its own issuer, as the admin API will create them.
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

    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Mine', uid: 'mine' })).json.id;
    eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'mine.created' })).json.id;
    endpointId = (
      await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: receiver.url, event_type_ids: [eventTypeId] })
    ).json.id;
    messageId = (await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypeId, payload: { a: 1 } }))
      .json.id;
    attemptId = (await pigeon.request('GET', `/api/v1/applications/${appId}/messages/${messageId}/attempts`)).json[0].id;
  });

  afterAll(async () => {
    await pigeon?.stop();
    await otherIssuer?.stop();
    await receiver?.stop();
  });

  const routes = (): Array<[string, string, unknown]> => {
    const app = `/api/v1/applications/${appId}`;

    return [
      ['GET', app, undefined],
      ['PUT', app, { name: 'Taken', version: 1 }],
      ['DELETE', app, undefined],
      ['GET', `${app}/event-types`, undefined],
      ['POST', `${app}/event-types`, { name: 'intruder.event' }],
      ['GET', `${app}/event-types/${eventTypeId}`, undefined],
      ['PUT', `${app}/event-types/${eventTypeId}`, { name: 'renamed', version: 1 }],
      ['DELETE', `${app}/event-types/${eventTypeId}`, undefined],
      ['GET', `${app}/endpoints`, undefined],
      ['POST', `${app}/endpoints`, { url: 'http://127.0.0.1:9/x', event_type_ids: [] }],
      ['GET', `${app}/endpoints/${endpointId}`, undefined],
      ['PUT', `${app}/endpoints/${endpointId}`, { url: 'http://127.0.0.1:9/x', event_type_ids: [], version: 1 }],
      ['DELETE', `${app}/endpoints/${endpointId}`, undefined],
      ['GET', `${app}/messages`, undefined],
      ['POST', `${app}/messages`, { event_type_id: eventTypeId, payload: { stolen: true } }],
      ['GET', `${app}/messages/${messageId}`, undefined],
      ['GET', `${app}/messages/${messageId}/attempts`, undefined],
      ['POST', `${app}/messages/${messageId}/retrigger`, undefined],
      ['POST', `${app}/attempts/${attemptId}/retry`, undefined],
      ['GET', `${app}/dead-letters`, undefined],
      ['GET', `${app}/dead-letters/${attemptId}`, undefined],
      ['POST', `${app}/dead-letters/${attemptId}/replay`, undefined],
      ['POST', `${app}/endpoints/${endpointId}/rotate`, undefined],
      ['DELETE', `${app}/endpoints/${endpointId}/secrets/0`, undefined],
      ['POST', `${app}/endpoints/${endpointId}/test`, undefined],
      ['GET', `${app}/stats`, undefined],
      ['GET', `${app}/event-types/${eventTypeId}/stats`, undefined],
      ['GET', `${app}/endpoints/${endpointId}/stats`, undefined],
    ];
  };

  it('shows the other organization none of the applications', async () => {
    const response = await pigeon.request('GET', '/api/v1/applications', undefined, { token: otherToken });

    expect(response.status).toBe(200);
    expect(response.json.total).toBe(0);
  });

  it('answers every application route with 404 for a foreign token', async () => {
    const outcomes: string[] = [];

    for (const [method, path, body] of routes()) {
      const response = await pigeon.request(method, path, body, { token: otherToken });
      outcomes.push(`${method} ${path} -> ${response.status} ${response.json?.code}`);
    }

    expect(outcomes.filter((line) => !line.endsWith('-> 404 not_found'))).toEqual([]);
  });

  it('leaves the application and its contents untouched', async () => {
    const app = await pigeon.request('GET', `/api/v1/applications/${appId}`);
    const eventTypes = await pigeon.request('GET', `/api/v1/applications/${appId}/event-types`);
    const endpoints = await pigeon.request('GET', `/api/v1/applications/${appId}/endpoints`);
    const messages = await pigeon.request('GET', `/api/v1/applications/${appId}/messages`);

    expect(app.json).toMatchObject({ name: 'Mine', version: 1 });
    expect((await pigeon.request('GET', `/api/v1/applications/${appId}/endpoints/${endpointId}`)).json.signing_secrets_masked).toHaveLength(1);
    expect(eventTypes.json.items.map((item: { name: string }) => item.name)).toEqual(['mine.created']);
    expect(endpoints.json.total).toBe(1);
    expect(messages.json.total).toBe(1);
  });

  it('hides a sub-resource behind another application of the same organization', async () => {
    const otherApp = (await pigeon.request('POST', '/api/v1/applications', { name: 'Second', uid: 'second' })).json.id;

    const response = await pigeon.request('GET', `/api/v1/applications/${otherApp}/endpoints/${endpointId}`);

    expect(response.status).toBe(404);
  });

  it('refuses to subscribe to an event type of another application', async () => {
    const otherApp = (await pigeon.request('POST', '/api/v1/applications', { name: 'Third', uid: 'third' })).json.id;

    const response = await pigeon.request('POST', `/api/v1/applications/${otherApp}/endpoints`, {
      url: receiver.url,
      event_type_ids: [eventTypeId],
    });

    expect(response.status).toBe(400);
    expect(response.json.error).toBe(`validation error: Event type not found: ${eventTypeId}`);
  });
});
