import { Client } from 'pg';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';
import { startWorkerProcess, type WorkerProcess } from '../support/worker-process';

jest.setTimeout(120_000);

interface Fixture {
  appId: string;
  eventTypeId: string;
  endpointId: string;
}

async function createEndpoint(pigeon: PigeonUnderTest, url: string, uid: string): Promise<Fixture> {
  const appId = (await pigeon.request('POST', '/api/v1/applications', { name: uid, uid })).json.id as string;
  const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'fault.test' })).json.id as string;
  const endpointId = (await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url, event_type_ids: [eventTypeId] })).json
    .id as string;

  return { appId, eventTypeId, endpointId };
}

async function sendMany(pigeon: PigeonUnderTest, fixture: Fixture, count: number, parallel = 16): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;

  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < count) {
        const index = next++;
        const response = await pigeon.request('POST', `/api/v1/applications/${fixture.appId}/messages`, {
          event_type_id: fixture.eventTypeId,
          payload: { index },
        });
        ids.push(response.json.id);
      }
    }),
  );

  return ids;
}

function deliveredIds(receiver: TestReceiver): string[] {
  return receiver.requests.map((request) => String(request.headers['webhook-id']));
}

describe('delivery under faults', () => {
  let pigeon: PigeonUnderTest;
  let database: Client;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    // This process serves the API; its own worker keeps a single slot, so the
    // child worker processes started by each test do most of the deliveries.
    pigeon = await startPigeon({ PIGEON_WORKER_CONCURRENCY: '1', PIGEON_WORKER_BATCH_SIZE: '1' });
    database = new Client({ connectionString: pigeon.database.url });
    await database.connect();
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      if (worker.child.exitCode === null) {
        worker.child.kill('SIGKILL');
        await worker.exited;
      }
    }
  });

  afterAll(async () => {
    await database?.end();
    await pigeon?.stop();
  });

  it('delivers every message after a worker is killed mid-batch', async () => {
    const receiver = await startReceiver([200], { delayMs: 800 });
    const fixture = await createEndpoint(pigeon, receiver.url, 'killed');
    await pigeon.process.runtime.worker.stop();
    const doomed = await startWorkerProcess(pigeon.database.url, { PIGEON_WORKER_HTTP_TIMEOUT_SECS: '2', PIGEON_WORKER_LEASE_SECS: '3' });
    workers.push(doomed);
    const ids = await sendMany(pigeon, fixture, 20);

    await receiver.waitForRequests(3);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    workers.push(await startWorkerProcess(pigeon.database.url, { PIGEON_WORKER_HTTP_TIMEOUT_SECS: '2', PIGEON_WORKER_LEASE_SECS: '3' }));
    await eventually(async () => {
      const result = await database.query(
        `SELECT count(*)::int AS done FROM attempts WHERE endpoint_id = $1 AND status = 'succeeded'`,
        [fixture.endpointId],
      );

      return result.rows[0].done === 20 ? true : undefined;
    }, 60_000);

    expect(new Set(deliveredIds(receiver))).toEqual(new Set(ids));
    await receiver.stop();
  });

  it('sends each delivery once with three workers and keeps counters exact', async () => {
    const receiver = await startReceiver([200]);
    const fixture = await createEndpoint(pigeon, receiver.url, 'three-workers');
    for (let index = 0; index < 3; index += 1) {
      workers.push(await startWorkerProcess(pigeon.database.url, { PIGEON_WORKER_BATCH_SIZE: '20' }));
    }

    const ids = await sendMany(pigeon, fixture, 2000, 24);
    await receiver.waitForRequests(2000, 90_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const delivered = deliveredIds(receiver);
    const summary = await database.query(`SELECT total_success::int FROM endpoint_delivery_summary WHERE endpoint_id = $1`, [
      fixture.endpointId,
    ]);
    const statuses = await database.query(
      `SELECT count(*)::int AS messages, sum(succeeded)::int AS succeeded, sum(attempts_created)::int AS created
       FROM message_delivery_status s JOIN messages m ON m.id = s.message_id WHERE m.app_id = $1`,
      [fixture.appId],
    );
    expect(delivered).toHaveLength(2000);
    expect(new Set(delivered).size).toBe(2000);
    expect(new Set(delivered)).toEqual(new Set(ids));
    expect(summary.rows[0].total_success).toBe(2000);
    expect(statuses.rows[0]).toEqual({ messages: 2000, succeeded: 2000, created: 2000 });
    const events = await eventually(async () => {
      const result = await database.query(
        `SELECT count(*)::int AS succeeded, count(*) FILTER (WHERE processed_at IS NULL OR error IS NOT NULL)::int AS open
         FROM event_outbox WHERE event_type = 'attempt_succeeded' AND payload->>'endpoint_id' = $1`,
        [fixture.endpointId],
      );

      return result.rows[0].open === 0 ? result.rows[0] : undefined;
    });
    expect(events).toEqual({ succeeded: 2000, open: 0 });
    await receiver.stop();
  });

  it('finishes in-flight deliveries on SIGTERM and exits cleanly', async () => {
    const receiver = await startReceiver([200], { delayMs: 1500 });
    const fixture = await createEndpoint(pigeon, receiver.url, 'sigterm');
    const worker = await startWorkerProcess(pigeon.database.url, { PIGEON_WORKER_HTTP_TIMEOUT_SECS: '10' });
    workers.push(worker);
    await sendMany(pigeon, fixture, 3, 3);
    await receiver.waitForRequests(3);

    worker.child.kill('SIGTERM');
    const code = await worker.exited;

    const stuck = await database.query(`SELECT count(*)::int AS n FROM attempts WHERE endpoint_id = $1 AND status <> 'succeeded'`, [
      fixture.endpointId,
    ]);
    expect(code).toBe(0);
    expect(stuck.rows[0].n).toBe(0);
    await receiver.stop();
  });
});

describe('automatic disabling', () => {
  let pigeon: PigeonUnderTest;

  beforeAll(async () => {
    pigeon = await startPigeon({ PIGEON_WORKER_MAX_RETRIES: '1', PIGEON_WORKER_AUTO_DISABLE_THRESHOLD: '2' });
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  async function endpointOf(fixture: Fixture) {
    return (await pigeon.request('GET', `/api/v1/applications/${fixture.appId}/endpoints/${fixture.endpointId}`)).json;
  }

  it('disables an endpoint after the threshold of dead letters', async () => {
    const receiver = await startReceiver([500]);
    const fixture = await createEndpoint(pigeon, receiver.url, 'threshold');

    await sendMany(pigeon, fixture, 1, 1);
    await receiver.waitForRequests(1);
    await eventually(async () => ((await endpointOf(fixture)) ? true : undefined));
    const afterOne = await endpointOf(fixture);
    await sendMany(pigeon, fixture, 1, 1);
    await receiver.waitForRequests(2);
    const afterTwo = await eventually(async () => {
      const endpoint = await endpointOf(fixture);

      return endpoint.enabled === false ? endpoint : undefined;
    });

    expect(afterOne.enabled).toBe(true);
    expect(afterTwo.enabled).toBe(false);
    await receiver.stop();
  });

  it('resets the count when the endpoint is enabled again', async () => {
    const receiver = await startReceiver([500]);
    const fixture = await createEndpoint(pigeon, receiver.url, 'reset');
    await sendMany(pigeon, fixture, 2, 1);
    const disabled = await eventually(async () => {
      const endpoint = await endpointOf(fixture);

      return endpoint.enabled === false ? endpoint : undefined;
    });

    await pigeon.request('PUT', `/api/v1/applications/${fixture.appId}/endpoints/${fixture.endpointId}`, {
      url: receiver.url,
      event_type_ids: [fixture.eventTypeId],
      enabled: true,
      version: disabled.version,
    });
    await sendMany(pigeon, fixture, 1, 1);
    await receiver.waitForRequests(3);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect((await endpointOf(fixture)).enabled).toBe(true);
    await receiver.stop();
  });

  it('dead-letters at once and disables the endpoint on 410 Gone', async () => {
    const receiver = await startReceiver([410]);
    const fixture = await createEndpoint(pigeon, receiver.url, 'gone');

    await sendMany(pigeon, fixture, 1, 1);
    const endpoint = await eventually(async () => {
      const current = await endpointOf(fixture);

      return current.enabled === false ? current : undefined;
    });

    expect(endpoint.enabled).toBe(false);
    expect(receiver.requests).toHaveLength(1);
    await receiver.stop();
  });
});
