import { Writable } from 'node:stream';

import { Client } from 'pg';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { createLogger } from '../../src/processes';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const PAYLOAD_MARKER = 'payload-marker-c41d07';

type LogLine = Record<string, unknown>;

/** Collects the JSON lines a debug-level pino logger writes. */
function captureLogs() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });

  return { raw, parsed: () => raw.map((line) => JSON.parse(line) as LogLine), logger: createLogger('debug', stream) };
}

describe('delivery logging', () => {
  const logs = captureLogs();
  let pigeon: PigeonUnderTest;
  let healthy: TestReceiver;
  let broken: TestReceiver;
  let orgId: string;
  let appId: string;
  let healthyEndpoint: { id: string; signing_secret: string };
  let brokenEndpoint: { id: string; signing_secret: string };
  let messageId: string;
  let token: string;

  /** Returns the log lines with this message about one endpoint. */
  function linesOf(msg: string, endpointId: string): LogLine[] {
    return logs.parsed().filter((line) => line.msg === msg && line.endpointId === endpointId);
  }

  beforeAll(async () => {
    healthy = await startReceiver([200]);
    broken = await startReceiver([500]);
    pigeon = await startPigeon(
      { PIGEON_WORKER_MAX_RETRIES: '2', PIGEON_WORKER_BACKOFF_BASE_SECS: '0', PIGEON_WORKER_MAX_BACKOFF_SECS: '0' },
      { logger: logs.logger },
    );

    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Logged', uid: 'logged' })).json.id;
    const eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'log.checked' })).json.id;
    healthyEndpoint = (await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: healthy.url, event_type_ids: [eventTypeId] })).json;
    brokenEndpoint = (await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: broken.url, event_type_ids: [eventTypeId] })).json;
    token = pigeon.issuer.token({ sub: 'log-checker' });
    messageId = (
      await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, { event_type_id: eventTypeId, payload: { note: PAYLOAD_MARKER } }, { token })
    ).json.id;

    const client = new Client({ connectionString: pigeon.database.url });
    await client.connect();
    try {
      orgId = (await client.query<{ org_id: string }>('SELECT org_id FROM applications WHERE id = $1', [appId])).rows[0]!.org_id;
    } finally {
      await client.end();
    }

    await eventually(async () => (linesOf('delivery dead-lettered', brokenEndpoint.id).length === 1 ? true : undefined));
    await eventually(async () => (linesOf('delivery succeeded', healthyEndpoint.id).length === 1 ? true : undefined));
  });

  afterAll(async () => {
    await pigeon?.stop();
    await healthy?.stop();
    await broken?.stop();
  });

  it('logs a success at debug with every id', () => {
    const [line] = linesOf('delivery succeeded', healthyEndpoint.id);

    expect(line).toMatchObject({ level: 20, orgId, appId, endpointId: healthyEndpoint.id, messageId, attempt: 1, responseCode: 200 });
    expect(line!.attemptId).toEqual(expect.any(String));
  });

  it('logs a retried failure at warn', () => {
    const [line] = linesOf('delivery failed, will retry', brokenEndpoint.id);

    expect(line).toMatchObject({ level: 40, orgId, appId, messageId, attempt: 1, responseCode: 500, retryInMs: 0 });
  });

  it('logs the dead letter at warn', () => {
    const [line] = linesOf('delivery dead-lettered', brokenEndpoint.id);

    expect(line).toMatchObject({ level: 40, orgId, appId, messageId, attempt: 2, responseCode: 500, endpointGone: false });
  });

  it('logs one line per outcome', () => {
    expect(linesOf('delivery succeeded', healthyEndpoint.id)).toHaveLength(1);
    expect(linesOf('delivery failed, will retry', brokenEndpoint.id)).toHaveLength(1);
    expect(linesOf('delivery dead-lettered', brokenEndpoint.id)).toHaveLength(1);
  });

  it('logs no secret, payload or token', () => {
    const everything = logs.raw.join('\n');

    expect(everything).not.toContain(healthyEndpoint.signing_secret);
    expect(everything).not.toContain(brokenEndpoint.signing_secret);
    expect(everything).not.toContain('whsec_');
    expect(everything).not.toContain(PAYLOAD_MARKER);
    expect(everything).not.toContain(token);
  });
});
