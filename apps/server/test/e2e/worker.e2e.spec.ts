import { startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

async function setUpApplication(pigeon: PigeonUnderTest, urls: string[]) {
  const appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Worker', uid: 'worker' })).json.id as string;
  const eventTypes: string[] = [];
  for (const [index, url] of urls.entries()) {
    const eventType = await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: `event.${index}` });
    await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url, event_type_ids: [eventType.json.id] });
    eventTypes.push(eventType.json.id);
  }

  return { appId, eventTypes };
}

describe('delivery worker', () => {
  describe('woken by new work', () => {
    let pigeon: PigeonUnderTest;
    let receiver: TestReceiver;

    beforeAll(async () => {
      receiver = await startReceiver([200]);
      // A poll interval far beyond the test's patience: only LISTEN/NOTIFY can deliver in time.
      pigeon = await startPigeon({ PIGEON_WORKER_POLL_INTERVAL_MS: '60000' });
    });

    afterAll(async () => {
      await pigeon?.stop();
      await receiver?.stop();
    });

    it('delivers a new message without waiting for the poll interval', async () => {
      const { appId, eventTypes } = await setUpApplication(pigeon, [receiver.url]);
      // Let the worker fall asleep on an empty queue first.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sentAt = Date.now();

      await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypes[0], payload: { n: 1 } });
      const [request] = await receiver.waitForRequests(1, 5000);

      expect(request!.receivedAt - sentAt).toBeLessThan(2000);
    });
  });

  describe('with a hanging endpoint beside a healthy one', () => {
    let pigeon: PigeonUnderTest;
    let hanging: TestReceiver;
    let healthy: TestReceiver;

    beforeAll(async () => {
      hanging = await startReceiver([200], { delayMs: 3000 });
      healthy = await startReceiver([200]);
      pigeon = await startPigeon({
        PIGEON_WORKER_CONCURRENCY: '8',
        PIGEON_WORKER_MAX_IN_FLIGHT_PER_ENDPOINT: '2',
        PIGEON_WORKER_HTTP_TIMEOUT_SECS: '5',
      });
    });

    afterAll(async () => {
      await pigeon?.stop();
      await Promise.all([hanging?.stop(), healthy?.stop()]);
    });

    it('keeps the healthy endpoint fast and the hanging one within its cap', async () => {
      const { appId, eventTypes } = await setUpApplication(pigeon, [hanging.url, healthy.url]);
      for (let index = 0; index < 6; index += 1) {
        await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypes[0], payload: { slow: index } });
      }
      const sentAt = Date.now();

      for (let index = 0; index < 10; index += 1) {
        await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypes[1], payload: { fast: index } });
      }
      const received = await healthy.waitForRequests(10, 10_000);
      await hanging.waitForRequests(4, 15_000);

      expect(received[9]!.receivedAt - sentAt).toBeLessThan(2500);
      expect(hanging.maxConcurrent()).toBe(2);
    });
  });
});
