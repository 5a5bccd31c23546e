import { Client } from 'pg';

import { freePort } from '../../../../test-support/free-port';
import { startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { createLogger, type RunningProcess, startProcess } from '../../src/processes';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(90_000);

const BACKLOG = 120;

interface Fixture {
  eventTypeId: string;
  endpointId: string;
}

describe('claiming with a backlog of due retries', () => {
  let pigeon: PigeonUnderTest;
  let worker: RunningProcess | null = null;
  let busy: TestReceiver;
  let quiet: TestReceiver;
  let appId: string;
  let busyEndpoint: Fixture;
  let quietEndpoint: Fixture;

  async function createEndpoint(url: string, name: string): Promise<Fixture> {
    const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name })).json.id as string;
    const endpoint = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url, event_type_ids: [eventTypeId] });

    return { eventTypeId, endpointId: endpoint.json.id };
  }

  async function send(fixture: Fixture, payload: unknown): Promise<string> {
    const response = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: fixture.eventTypeId, payload });

    return response.json.id;
  }

  beforeAll(async () => {
    // Each backlog delivery keeps one of the endpoint's two slots busy for
    // 300 ms, so the backlog takes about 18 s to drain.
    busy = await startReceiver([200], { delayMs: 300 });
    quiet = await startReceiver([200]);
    pigeon = await startPigeon();
    await pigeon.process.runtime.worker.stop();

    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Fairness', uid: 'fairness' })).json.id;
    busyEndpoint = await createEndpoint(busy.url, 'busy.event');
    quietEndpoint = await createEndpoint(quiet.url, 'quiet.event');
    for (let index = 0; index < BACKLOG; index += 1) {
      await send(busyEndpoint, { backlog: index });
    }

    // Turns the backlog into retries that are overdue, as after a receiver outage.
    const database = new Client({ connectionString: pigeon.database.url });
    await database.connect();
    await database.query(`UPDATE attempts SET attempt_number = 2, next_attempt_at = now() - interval '1 minute' WHERE endpoint_id = $1`, [
      busyEndpoint.endpointId,
    ]);
    await database.end();

    const port = await freePort();
    worker = await startProcess(
      'worker',
      {
        ...pigeon.config,
        listen: { host: '127.0.0.1', port },
        worker: { ...pigeon.config.worker, batchSize: 10, maxInFlightPerEndpoint: 2 },
      },
      createLogger('silent'),
    );
    await busy.waitForRequests(2);
  });

  afterAll(async () => {
    await worker?.stop();
    await pigeon?.stop();
    await Promise.all([busy?.stop(), quiet?.stop()]);
  });

  it('delivers new messages before the backlog drains', async () => {
    const quietId = await send(quietEndpoint, { fresh: 'quiet' });
    const busyId = await send(busyEndpoint, { fresh: 'busy' });

    const [quietRequest] = await quiet.waitForRequests(1, 15_000);
    await busy.waitForRequests(BACKLOG / 2, 30_000);

    const retriesBeforeQuiet = busy.requests.filter((request) => request.receivedAt <= quietRequest!.receivedAt).length;
    const busyPosition = busy.requests.findIndex((request) => request.headers['webhook-id'] === busyId);
    expect(quietRequest!.headers['webhook-id']).toBe(quietId);
    expect(retriesBeforeQuiet).toBeLessThan(BACKLOG / 4);
    expect(busyPosition).toBeGreaterThanOrEqual(0);
    expect(busyPosition).toBeLessThan(BACKLOG / 4);
  });
});
