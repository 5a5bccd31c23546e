import {
  type AttemptResponse,
  type Client,
  createApplication,
  createClient,
  createEndpoint,
  createEventType,
  listAttempts,
  sendMessage,
} from '@pigeon/client';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

describe('generated API client', () => {
  let pigeon: PigeonUnderTest;
  let receiver: TestReceiver;
  let client: Client;

  beforeAll(async () => {
    receiver = await startReceiver([200]);
    pigeon = await startPigeon();
    const token = pigeon.issuer.token();
    client = createClient({ baseUrl: pigeon.baseUrl, auth: () => token });
  });

  afterAll(async () => {
    await pigeon?.stop();
    await receiver?.stop();
  });

  describe('a message sent through it', () => {
    let appId: string;
    let endpointId: string;
    let messageId: string;
    let attempts: AttemptResponse[];

    beforeAll(async () => {
      const application = await createApplication({ client, body: { name: 'Billing', uid: 'billing' }, throwOnError: true });
      appId = application.data.id;
      const eventType = await createEventType({
        client,
        path: { app_id: appId },
        body: { name: 'invoice.paid', schema: { type: 'object' } },
        throwOnError: true,
      });
      const endpoint = await createEndpoint({
        client,
        path: { app_id: appId },
        body: { url: receiver.url, event_type_ids: [eventType.data.id] },
        throwOnError: true,
      });
      endpointId = endpoint.data.id;

      const sent = await sendMessage({
        client,
        path: { app_id: appId },
        body: { event_type_id: eventType.data.id, payload: { invoice: 'in_1', amount: 4200 } },
        throwOnError: true,
      });
      messageId = sent.data.id;
      await receiver.waitForRequests(1);

      attempts = await eventually(async () => {
        const listed = await listAttempts({ client, path: { app_id: appId, msg_id: messageId }, throwOnError: true });

        return listed.data[0]?.status === 'succeeded' ? listed.data : undefined;
      });
    });

    it('reaches the receiver with the payload', () => {
      expect(JSON.parse(receiver.requests[0]!.body.toString('utf8'))).toEqual({ invoice: 'in_1', amount: 4200 });
    });

    it('has one succeeded attempt for the endpoint', () => {
      expect(attempts).toHaveLength(1);
      expect(attempts[0]).toMatchObject({ message_id: messageId, endpoint_id: endpointId, status: 'succeeded', response_code: 200, attempt_number: 1 });
    });
  });

  it('returns the JSON error body as a typed error', async () => {
    const missing = await createEventType({
      client,
      path: { app_id: '00000000-0000-4000-8000-000000000000' },
      body: { name: 'invoice.paid' },
    });

    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({ error: 'not found', code: 'not_found' });
  });

  it('is rejected without a token', async () => {
    const anonymous = createClient({ baseUrl: pigeon.baseUrl });

    const response = await createApplication({ client: anonymous, body: { name: 'Billing', uid: 'billing-2' } });

    expect(response.response.status).toBe(401);
    expect(response.error?.code).toBe('unauthorized');
  });
});
