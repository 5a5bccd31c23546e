import { Writable } from 'node:stream';

import { Client } from 'pg';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { createLogger } from '../../src/processes';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

interface OutboxRow {
  event_type: string;
  payload: Record<string, unknown>;
  processed: boolean;
  error: string | null;
}

type LogLine = Record<string, unknown>;

/** Collects the JSON lines a debug-level pino logger writes. */
function captureLogs() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line !== '') {
          lines.push(JSON.parse(line) as LogLine);
        }
      }
      done();
    },
  });

  return { lines, logger: createLogger('debug', stream) };
}

describe('event outbox', () => {
  const logs = captureLogs();
  let pigeon: PigeonUnderTest;
  let database: Client;
  let healthy: TestReceiver;
  let broken: TestReceiver;
  let appId: string;
  let eventTypeId: string;

  async function createEndpoint(url: string, eventTypeIds: string[]) {
    return (await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url, event_type_ids: eventTypeIds })).json;
  }

  async function send(typeId: string, payload: unknown, idempotencyKey?: string): Promise<string> {
    const response = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, {
      event_type_id: typeId,
      payload,
      idempotency_key: idempotencyKey,
    });

    return response.json.id;
  }

  /** Returns the outbox rows whose payload contains `match`, oldest first. */
  async function eventsWith(match: Record<string, unknown>): Promise<OutboxRow[]> {
    const result = await database.query<OutboxRow>(
      `SELECT event_type, payload, processed_at IS NOT NULL AS processed, error FROM event_outbox
       WHERE payload @> $1::jsonb ORDER BY created_at, event_type`,
      [JSON.stringify(match)],
    );

    return result.rows;
  }

  /** Waits until the outbox has no unprocessed row, so the processor has seen everything written so far. */
  async function processedOutbox(): Promise<void> {
    await eventually(async () => {
      const result = await database.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM event_outbox WHERE processed_at IS NULL`);

      return result.rows[0]!.pending === 0 ? true : undefined;
    });
  }

  beforeAll(async () => {
    healthy = await startReceiver([200]);
    broken = await startReceiver([500]);
    pigeon = await startPigeon(
      {
        PIGEON_WORKER_MAX_RETRIES: '2',
        PIGEON_WORKER_BACKOFF_BASE_SECS: '0',
        PIGEON_WORKER_AUTO_DISABLE_THRESHOLD: '1',
      },
      { logger: logs.logger },
    );
    database = new Client({ connectionString: pigeon.database.url });
    await database.connect();
    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Outbox', uid: 'outbox' })).json.id;
    eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'order.paid' })).json.id;
  });

  afterAll(async () => {
    await database?.end();
    await pigeon?.stop();
    await Promise.all([healthy?.stop(), broken?.stop()]);
  });

  describe('a delivered message', () => {
    let endpointId: string;
    let messageId: string;

    beforeAll(async () => {
      endpointId = (await createEndpoint(healthy.url, [eventTypeId])).id;
      messageId = await send(eventTypeId, { order: 1 }, 'order-1');
      await healthy.waitForRequests(1);
      await processedOutbox();
    });

    it('records message_created and attempt_succeeded', async () => {
      const events = await eventsWith({ message_id: messageId });

      expect(events.map((event) => event.event_type)).toEqual(['message_created', 'attempt_succeeded']);
      expect(events[0]!.payload).toEqual({ message_id: messageId, app_id: appId, event_type_id: eventTypeId, attempts_created: 1 });
      expect(events[1]!.payload).toEqual({
        attempt_id: expect.any(String),
        message_id: messageId,
        endpoint_id: endpointId,
        response_code: 200,
        duration_ms: expect.any(Number),
      });
    });

    it('marks both processed without an error', async () => {
      const events = await eventsWith({ message_id: messageId });

      expect(events.map((event) => [event.processed, event.error])).toEqual([
        [true, null],
        [true, null],
      ]);
    });

    it('logs each event once at debug level', () => {
      const lines = logs.lines.filter((line) => line.msg === 'domain event' && line.messageId === messageId);

      expect(lines.map((line) => [line.level, line.eventType])).toEqual([
        [20, 'message_created'],
        [20, 'attempt_succeeded'],
      ]);
      expect(lines[1]).toMatchObject({ component: 'domain-events', endpointId, responseCode: 200, eventId: expect.any(String) });
    });

    it('records nothing for a duplicate send', async () => {
      await send(eventTypeId, { order: 1 }, 'order-1');

      const events = await eventsWith({ message_id: messageId });

      expect(events.map((event) => event.event_type)).toEqual(['message_created', 'attempt_succeeded']);
    });

    it('records message_retriggered for a new endpoint', async () => {
      const second = await startReceiver([200]);
      await createEndpoint(second.url, [eventTypeId]);

      const retriggered = await pigeon.request('POST', `/api/v1/applications/${appId}/messages/${messageId}/retrigger`);
      await second.waitForRequests(1);
      await second.stop();

      const events = await eventsWith({ message_id: messageId });
      expect(retriggered.status).toBe(200);
      expect(events.filter((event) => event.event_type === 'message_retriggered').map((event) => event.payload)).toEqual([
        { message_id: messageId, attempts_created: 1 },
      ]);
    });
  });

  describe('an endpoint that keeps failing', () => {
    let endpointId: string;
    let messageId: string;
    let failingTypeId: string;

    beforeAll(async () => {
      failingTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'order.failed' })).json.id;
      endpointId = (await createEndpoint(broken.url, [failingTypeId])).id;
      messageId = await send(failingTypeId, { order: 2 });
      await broken.waitForRequests(2);
      await eventually(async () => ((await eventsWith({ endpoint_id: endpointId, enabled: false })).length === 1 ? true : undefined));
    });

    it('records failures, dead letter and auto-disable', async () => {
      const attemptEvents = await eventsWith({ message_id: messageId });
      const endpointEvents = await eventsWith({ endpoint_id: endpointId, enabled: false });

      expect(attemptEvents.map((event) => [event.event_type, event.payload.will_retry ?? null])).toEqual([
        ['message_created', null],
        ['attempt_failed', true],
        ['attempt_failed', false],
        ['dead_lettered', null],
      ]);
      expect(attemptEvents[3]!.payload).toEqual({ message_id: messageId, endpoint_id: endpointId, app_id: appId });
      expect(attemptEvents[2]!.payload).toMatchObject({ response_code: 500, endpoint_id: endpointId });
      expect(endpointEvents.map((event) => event.payload)).toEqual([{ endpoint_id: endpointId, app_id: appId, enabled: false }]);
    });

    it('records dead_letter_replayed on a replay', async () => {
      const deadLetter = (await pigeon.request('GET', `/api/v1/applications/${appId}/dead-letters?endpoint_id=${endpointId}`)).json
        .items[0];

      const replayed = await pigeon.request('POST', `/api/v1/applications/${appId}/dead-letters/${deadLetter.id}/replay`);

      const events = await eventsWith({ dead_letter_id: deadLetter.id });
      expect(replayed.status).toBe(200);
      expect(events.map((event) => [event.event_type, event.payload])).toEqual([
        ['dead_letter_replayed', { dead_letter_id: deadLetter.id, message_id: messageId, endpoint_id: endpointId }],
      ]);
    });

    it('records endpoint_updated on re-enabling', async () => {
      const endpoint = (await pigeon.request('GET', `/api/v1/applications/${appId}/endpoints/${endpointId}`)).json;

      await pigeon.request('PUT', `/api/v1/applications/${appId}/endpoints/${endpointId}`, {
        url: broken.url,
        event_type_ids: [],
        enabled: true,
        version: endpoint.version,
      });

      const events = await eventsWith({ endpoint_id: endpointId, enabled: true });
      expect(events.map((event) => event.payload)).toEqual([{ endpoint_id: endpointId, app_id: appId, enabled: true }]);
    });

    it('leaves no event unprocessed or in error', async () => {
      await processedOutbox();

      const failed = await database.query(`SELECT event_type, error FROM event_outbox WHERE error IS NOT NULL`);

      expect(failed.rows).toEqual([]);
    });
  });

  it('records nothing for a test event', async () => {
    const endpointId = (await createEndpoint(healthy.url, [])).id;
    const before = await database.query<{ count: number }>(`SELECT count(*)::int AS count FROM event_outbox WHERE event_type = 'message_created'`);

    const sent = await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints/${endpointId}/test`);

    const after = await database.query<{ count: number }>(`SELECT count(*)::int AS count FROM event_outbox WHERE event_type = 'message_created'`);
    expect(sent.status).toBe(201);
    expect(after.rows[0]!.count).toBe(before.rows[0]!.count);
  });
});
