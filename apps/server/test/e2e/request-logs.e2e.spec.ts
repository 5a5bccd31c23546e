import { Writable } from 'node:stream';

import { Client } from 'pg';

import { eventually } from '../../../../test-support/receiver';
import { createLogger } from '../../src/processes';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const PAYLOAD_MARKER = 'payload-marker-7f3e9a';

/** Collects the JSON log lines a pino logger writes, raw and parsed. */
function captureLogs() {
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      raw.push(...chunk.toString('utf8').split('\n').filter((line) => line !== ''));
      done();
    },
  });
  const parsed = () => raw.map((line) => JSON.parse(line) as Record<string, unknown>);

  return { raw, parsed, logger: createLogger('info', stream) };
}

describe('request logging', () => {
  const logs = captureLogs();
  let pigeon: PigeonUnderTest;
  let appId: string;
  let eventTypeId: string;

  beforeAll(async () => {
    pigeon = await startPigeon({}, { logger: logs.logger });
    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Logs', uid: 'logs' })).json.id;
    eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'log.written' })).json.id;
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  describe('an internal error', () => {
    const requestId = 'failing-request-41';
    let token: string;
    let response: Awaited<ReturnType<PigeonUnderTest['request']>>;
    let line: Record<string, unknown>;
    let rawLine: string;

    beforeAll(async () => {
      // A missing table makes the insert fail the way an unexpected database error would.
      const client = new Client({ connectionString: pigeon.database.url });
      await client.connect();
      try {
        await client.query('ALTER TABLE messages RENAME TO messages_away');
        token = pigeon.issuer.token({ sub: 'log-tester' });
        response = await pigeon.request(
          'POST',
          `/api/v1/applications/${appId}/messages`,
          { event_type_id: eventTypeId, payload: { secret_note: PAYLOAD_MARKER } },
          { token, headers: { 'x-request-id': requestId } },
        );
      } finally {
        await client.query('ALTER TABLE messages_away RENAME TO messages');
        await client.end();
      }

      const index = await eventually(async () => {
        const found = logs.parsed().findIndex((entry) => entry.msg === 'request failed');

        return found === -1 ? undefined : found;
      });
      line = logs.parsed()[index]!;
      rawLine = logs.raw[index]!;
    });

    it('answers 500 without internals', () => {
      expect(response.status).toBe(500);
      expect(response.json).toEqual({ error: 'internal error', code: 'internal_error' });
    });

    it('logs the request id once', () => {
      expect(line.requestId).toBe(requestId);
      expect(rawLine.match(/"requestId"/g)).toHaveLength(1);
    });

    it('logs the method and route pattern', () => {
      expect(line.method).toBe('POST');
      expect(line.route).toBe('/api/v1/applications/:app_id/messages');
    });

    it('logs the error type and message', () => {
      expect(line.error).toMatchObject({ type: 'DatabaseError', message: expect.stringContaining('"messages" does not exist') });
    });

    it('logs no token, payload or query parameters', () => {
      const everything = logs.raw.join('\n');

      expect(everything).not.toContain(token);
      expect(everything).not.toContain(PAYLOAD_MARKER);
      expect(rawLine).not.toContain('parameters');
      expect(rawLine).not.toMatch(/authorization/i);
    });

    it('logs the completed request with the same id', () => {
      const completed = logs.parsed().filter((entry) => entry.requestId === requestId && entry.msg !== 'request failed');

      expect(completed.length).toBeGreaterThan(0);
      expect(completed.every((entry) => JSON.stringify(entry).match(/"requestId"/g)?.length === 1)).toBe(true);
    });
  });

  it('adds the request id to application log lines', async () => {
    // With the issuer gone, a token naming an unknown key makes the verifier refetch the JWKS and log the failure.
    // The request has a body, so the id must also survive body parsing.
    await pigeon.issuer.stop();
    const token = pigeon.issuer.token({}, { kid: 'rotated-away' });

    const response = await pigeon.request('POST', '/api/v1/applications', { name: 'x', uid: 'y' }, { token, headers: { 'x-request-id': 'jwks-down-7' } });

    const warning = await eventually(async () => logs.parsed().find((entry) => entry.msg === 'JWKS fetch failed'));
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(warning.requestId).toBe('jwks-down-7');
    expect(warning.component).toBe('token-verifier');
  });
});
