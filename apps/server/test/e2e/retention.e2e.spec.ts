import { Client } from 'pg';

import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

describe('retention job', () => {
  let pigeon: PigeonUnderTest;
  let receiver: TestReceiver;
  let database: Client;
  let appId: string;
  let eventTypeId: string;

  beforeAll(async () => {
    receiver = await startReceiver([200]);
    pigeon = await startPigeon({ PIGEON_RETENTION_DAYS: '30', PIGEON_IDEMPOTENCY_TTL_SECS: '3600' });
    database = new Client({ connectionString: pigeon.database.url });
    await database.connect();
    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Retention', uid: 'retention' })).json.id;
    eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'kept.or.not' })).json.id;
    await pigeon.request('POST', `/api/v1/applications/${appId}/endpoints`, { url: receiver.url, event_type_ids: [eventTypeId] });
  });

  afterAll(async () => {
    await database?.end();
    await pigeon?.stop();
    await receiver?.stop();
  });

  async function send(key: string): Promise<string> {
    const response = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, {
      event_type_id: eventTypeId,
      idempotency_key: key,
      payload: { key },
    });

    return response.json.id;
  }

  async function count(sql: string, parameters: unknown[] = []): Promise<number> {
    const result = await database.query<{ count: string }>(sql, parameters);

    return Number(result.rows[0]?.count);
  }

  it('honours a key within its TTL and ignores it after', async () => {
    const first = await send('expiring');
    await database.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE key = 'expiring'`);

    const second = await send('expiring');

    expect(second).not.toBe(first);
    expect(await count(`SELECT count(*) FROM messages WHERE idempotency_key = 'expiring'`)).toBe(2);
  });

  it('deletes expired keys but keeps their messages', async () => {
    const messageId = await send('old-key');
    await database.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 hour' WHERE key = 'old-key'`);

    const report = await pigeon.process.runtime.retention.runOnce();

    expect(report.idempotencyKeysDeleted).toBeGreaterThanOrEqual(1);
    expect(await count(`SELECT count(*) FROM idempotency_keys WHERE key = 'old-key'`)).toBe(0);
    expect(await count(`SELECT count(*) FROM messages WHERE id = $1`, [messageId])).toBe(1);
  });

  it('deletes finished messages past retention with their attempts', async () => {
    const messageId = await send('ancient');
    await database.query(`UPDATE attempts SET status = 'succeeded', next_attempt_at = NULL WHERE message_id = $1`, [messageId]);
    await database.query(`UPDATE messages SET created_at = now() - interval '31 days' WHERE id = $1`, [messageId]);

    await pigeon.process.runtime.retention.runOnce();

    expect(await count(`SELECT count(*) FROM messages WHERE id = $1`, [messageId])).toBe(0);
    expect(await count(`SELECT count(*) FROM attempts WHERE message_id = $1`, [messageId])).toBe(0);
  });

  it('keeps an old message that still has an attempt to deliver', async () => {
    const messageId = await send('old-but-pending');
    // Wait for the real delivery first, so the worker cannot overwrite the state set below.
    await eventually(async () =>
      (await count(`SELECT count(*) FROM attempts WHERE message_id = $1 AND status = 'succeeded'`, [messageId])) === 1 ? true : undefined,
    );
    await database.query(`UPDATE attempts SET status = 'pending', next_attempt_at = now() + interval '1 day' WHERE message_id = $1`, [
      messageId,
    ]);
    await database.query(`UPDATE messages SET created_at = now() - interval '31 days' WHERE id = $1`, [messageId]);

    await pigeon.process.runtime.retention.runOnce();

    expect(await count(`SELECT count(*) FROM messages WHERE id = $1`, [messageId])).toBe(1);
  });

  it('keeps recent messages', async () => {
    const messageId = await send('recent');

    await pigeon.process.runtime.retention.runOnce();

    expect(await count(`SELECT count(*) FROM messages WHERE id = $1`, [messageId])).toBe(1);
  });
});
