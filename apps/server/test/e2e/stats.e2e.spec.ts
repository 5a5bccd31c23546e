import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';
import { eventually, startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type ApiResponse, type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const HOUR_MS = 3_600_000;
const PERIOD_ERROR = 'validation error: period must be one of 24h, 7d, 30d';

interface Bucket {
  bucket: string;
  succeeded: number;
  failed: number;
}

/** Start of the UTC bucket of `bucketHours` that contains `time`, as the API prints it. */
function bucketStart(time: Date, bucketHours: number): string {
  const size = bucketHours * HOUR_MS;

  return new Date(Math.floor(time.getTime() / size) * size).toISOString();
}

/** The time series the API should return for these final attempts, computed independently of the server. */
function seriesOf(attempts: Array<{ attempted_at: Date; status: string }>, bucketHours: number): Bucket[] {
  const buckets = new Map<string, Bucket>();
  for (const attempt of attempts) {
    const key = bucketStart(attempt.attempted_at, bucketHours);
    const bucket = buckets.get(key) ?? { bucket: key, succeeded: 0, failed: 0 };
    if (attempt.status === 'succeeded') {
      bucket.succeeded += 1;
    } else {
      bucket.failed += 1;
    }
    buckets.set(key, bucket);
  }

  return [...buckets.values()].sort((a, b) => a.bucket.localeCompare(b.bucket));
}

describe('stats routes', () => {
  let pigeon: PigeonUnderTest;
  let sql: Client;
  let healthy: TestReceiver;
  let broken: TestReceiver;
  let otherIssuer: TestIssuer;
  let otherToken: string;

  // The "shop" application gets real traffic through the API and the worker.
  let shopId: string;
  let orderCreatedId: string;
  let orderShippedId: string;
  let systemTypeId: string;
  let healthyEndpointId: string;
  let brokenEndpointId: string;
  let disabledEndpointId: string;
  let liveOrders: Array<{ id: string; created_at: string }>;
  let shippedMessageId: string;
  let olderOrderIds: string[];
  let systemMessageId: string;

  // The "ledger" application contains attempts inserted with chosen times.
  let ledgerId: string;
  let ledgerTypeId: string;
  let ledgerEndpointId: string;

  const shop = () => `/api/v1/applications/${shopId}`;
  const ledger = () => `/api/v1/applications/${ledgerId}`;

  async function stats(path: string, period?: string, token?: string): Promise<ApiResponse> {
    const query = period === undefined ? '' : `?period=${period}`;

    return pigeon.request('GET', `${path}${query}`, undefined, token === undefined ? {} : { token });
  }

  async function insertMessage(appId: string, eventTypeId: string, key: string, createdAt: string): Promise<string> {
    const id = randomUUID();
    await sql.query(
      `INSERT INTO messages (id, app_id, event_type_id, payload, idempotency_key, idempotency_expires_at, created_at)
       VALUES ($1, $2, $3, '{}', $4, now() + interval '1 day', ${createdAt})`,
      [id, appId, eventTypeId, key],
    );

    return id;
  }

  async function insertAttempt(
    messageId: string,
    endpointId: string,
    status: string,
    attemptedAt: string | null,
    nextAttemptAt: string | null = null,
  ): Promise<string> {
    const id = randomUUID();
    await sql.query(
      `INSERT INTO attempts (id, message_id, endpoint_id, status, attempted_at, next_attempt_at, created_at, attempt_number)
       VALUES ($1, $2, $3, $4, $5::timestamptz, $6::timestamptz, now(), 1)`,
      [id, messageId, endpointId, status, attemptedAt, nextAttemptAt],
    );

    return id;
  }

  async function insertDeadLetter(messageId: string, endpointId: string, appId: string, deadLetteredAt: string): Promise<void> {
    await sql.query(
      `INSERT INTO dead_letters (id, message_id, endpoint_id, app_id, dead_lettered_at) VALUES ($1, $2, $3, $4, $5::timestamptz)`,
      [randomUUID(), messageId, endpointId, appId, deadLetteredAt],
    );
  }

  async function finalAttemptsOf(appId: string): Promise<Array<{ attempted_at: Date; status: string }>> {
    const result = await sql.query(
      `SELECT a.attempted_at, a.status FROM attempts a JOIN endpoints e ON e.id = a.endpoint_id
       WHERE e.app_id = $1 AND a.status IN ('succeeded', 'failed')`,
      [appId],
    );

    return result.rows;
  }

  beforeAll(async () => {
    healthy = await startReceiver([200]);
    broken = await startReceiver([500]);
    otherIssuer = await startTestIssuer('other-tenant');
    pigeon = await startPigeon({
      // One try only, so the broken endpoint dead-letters at once. Auto-disable
      // is off, so that endpoint stays enabled and subscribed.
      PIGEON_WORKER_MAX_RETRIES: '1',
      PIGEON_WORKER_AUTO_DISABLE_THRESHOLD: '0',
    });

    // Sessions that set no time zone of their own now run in UTC+05:30, whose
    // half-hour offset would shift every bucket computed in local time. The
    // server's pool sets UTC per session anyway, so this test also guards that
    // setting. pg-stats.reader.spec.ts reads through a Kolkata session directly.
    const setup = new Client({ connectionString: pigeon.database.url });
    await setup.connect();
    const { rows } = await setup.query('SELECT current_database() AS name');
    await setup.query(`ALTER DATABASE "${rows[0].name}" SET timezone = 'Asia/Kolkata'`);
    await setup.end();
    sql = new Client({ connectionString: pigeon.database.url });
    await sql.connect();
    const zone = await sql.query('SHOW timezone');
    if (zone.rows[0].TimeZone !== 'Asia/Kolkata') {
      throw new Error(`expected the database time zone Asia/Kolkata, got ${zone.rows[0].TimeZone}`);
    }

    // A second organization with its own issuer.
    const orgId = randomUUID();
    await sql.query(`INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, 'Other', 'other', now())`, [orgId]);
    await sql.query(
      `INSERT INTO oidc_configs (id, org_id, issuer_url, audience, jwks_url, created_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [randomUUID(), orgId, otherIssuer.issuerUrl, otherIssuer.audience, otherIssuer.jwksUrl],
    );
    otherToken = otherIssuer.token({ sub: 'other-user' });

    shopId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Shop', uid: 'shop' })).json.id;
    orderCreatedId = (await pigeon.request('POST', `${shop()}/event-types`, { name: 'order.created' })).json.id;
    orderShippedId = (await pigeon.request('POST', `${shop()}/event-types`, { name: 'order.shipped' })).json.id;
    healthyEndpointId = (
      await pigeon.request('POST', `${shop()}/endpoints`, { url: healthy.url, event_type_ids: [orderCreatedId, orderShippedId] })
    ).json.id;
    brokenEndpointId = (await pigeon.request('POST', `${shop()}/endpoints`, { url: broken.url, event_type_ids: [orderCreatedId] })).json.id;
    disabledEndpointId = (await pigeon.request('POST', `${shop()}/endpoints`, { url: healthy.url, event_type_ids: [orderCreatedId] }))
      .json.id;
    const disabled = await pigeon.request('PUT', `${shop()}/endpoints/${disabledEndpointId}`, {
      url: healthy.url,
      event_type_ids: [orderCreatedId],
      enabled: false,
      version: 1,
    });
    expect(disabled.json.enabled).toBe(false);

    liveOrders = [];
    for (const key of ['order-1', 'order-2', 'order-3']) {
      const sent = await pigeon.request('POST', `${shop()}/messages`, { event_type_id: orderCreatedId, idempotency_key: key, payload: { key } });
      liveOrders.push({ id: sent.json.id, created_at: sent.json.created_at });
    }
    shippedMessageId = (await pigeon.request('POST', `${shop()}/messages`, { event_type_id: orderShippedId, payload: { shipped: true } })).json
      .id;
    await healthy.waitForRequests(4);
    await broken.waitForRequests(3);
    await eventually(
      async () => {
        const open = await sql.query(`SELECT count(*)::int AS n FROM attempts WHERE status IN ('pending', 'in_flight')`);

        return open.rows[0].n === 0 ? true : undefined;
      },
      20_000,
      'all live attempts final',
    );

    // Older messages of order.created, outside the 24h window, with attempts
    // that wait (never tried, being delivered, tried an hour ago and retrying).
    olderOrderIds = [];
    for (let index = 0; index < 8; index += 1) {
      olderOrderIds.push(await insertMessage(shopId, orderCreatedId, `old-${index}`, `now() - interval '2 days' - interval '${index} hours'`));
    }
    const later = new Date(Date.now() + 24 * HOUR_MS).toISOString();
    await insertAttempt(olderOrderIds[0]!, healthyEndpointId, 'pending', null, later);
    await insertAttempt(olderOrderIds[1]!, brokenEndpointId, 'in_flight', null, later);
    await insertAttempt(olderOrderIds[2]!, healthyEndpointId, 'pending', new Date(Date.now() - HOUR_MS).toISOString(), later);

    const system = await sql.query(`SELECT id FROM event_types WHERE app_id = $1 AND system`, [shopId]);
    systemTypeId = system.rows[0].id;
    systemMessageId = await insertMessage(shopId, systemTypeId, 'test-1', `now() - interval '2 days'`);

    ledgerId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Ledger', uid: 'ledger' })).json.id;
    ledgerTypeId = (await pigeon.request('POST', `${ledger()}/event-types`, { name: 'ledger.posted' })).json.id;
    ledgerEndpointId = (await pigeon.request('POST', `${ledger()}/endpoints`, { url: healthy.url, event_type_ids: [ledgerTypeId] })).json.id;
  });

  afterAll(async () => {
    await sql?.end();
    await pigeon?.stop();
    await Promise.all([healthy?.stop(), broken?.stop(), otherIssuer?.stop()]);
  });

  describe('of an application with live traffic', () => {
    it('counts the last 24 hours', async () => {
      const response = await stats(`${shop()}/stats`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        total_messages: 4,
        total_attempts: 8,
        total_pending: 3,
        total_succeeded: 4,
        total_failed: 3,
        total_dead_lettered: 3,
      });
    });

    it('reports success_rate as succeeded over all attempts', async () => {
      const response = await stats(`${shop()}/stats`);

      expect(response.json.success_rate).toBe(0.5);
    });

    it('buckets final attempts by UTC hour', async () => {
      const expected = seriesOf(await finalAttemptsOf(shopId), 1);

      const response = await stats(`${shop()}/stats`);

      expect(response.json.time_series).toEqual(expected);
      expect(expected.reduce((sum, bucket) => sum + bucket.succeeded + bucket.failed, 0)).toBe(7);
    });

    it('returns exactly the documented fields', async () => {
      const response = await stats(`${shop()}/stats`);

      expect(Object.keys(response.json).sort()).toEqual(
        [
          'success_rate',
          'time_series',
          'total_attempts',
          'total_dead_lettered',
          'total_failed',
          'total_messages',
          'total_pending',
          'total_succeeded',
        ].sort(),
      );
    });
  });

  describe('of an event type', () => {
    it('counts only the messages of that type', async () => {
      const response = await stats(`${shop()}/event-types/${orderCreatedId}/stats`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        total_messages: 3,
        total_attempts: 7,
        total_pending: 3,
        total_succeeded: 3,
        total_failed: 3,
        total_dead_lettered: 3,
      });
      expect(response.json.success_rate).toBe(3 / 7);
    });

    it('counts enabled subscribed endpoints only', async () => {
      const created = await stats(`${shop()}/event-types/${orderCreatedId}/stats`);
      const shipped = await stats(`${shop()}/event-types/${orderShippedId}/stats`);

      expect(created.json.subscribed_endpoints).toBe(2);
      expect(shipped.json.subscribed_endpoints).toBe(1);
    });

    it('lists the ten newest messages whatever the period', async () => {
      const live = [...liveOrders].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id));

      const response = await stats(`${shop()}/event-types/${orderCreatedId}/stats`);

      expect(response.json.recent_messages.map((message: { id: string }) => message.id)).toEqual([
        ...live.map((message) => message.id),
        ...olderOrderIds.slice(0, 7),
      ]);
    });

    it('gives each recent message its delivery counters', async () => {
      const response = await stats(`${shop()}/event-types/${orderCreatedId}/stats`);
      const byKey = new Map(response.json.recent_messages.map((message: { idempotency_key: string }) => [message.idempotency_key, message]));

      expect(byKey.get('order-1')).toEqual({
        id: liveOrders[0]!.id,
        idempotency_key: 'order-1',
        created_at: liveOrders[0]!.created_at,
        attempts_created: 2,
        succeeded: 1,
        failed: 1,
        dead_lettered: 1,
      });
      expect(byKey.get('old-0')).toMatchObject({ attempts_created: 0, succeeded: 0, failed: 0, dead_lettered: 0 });
    });

    it('separates the time series by event type', async () => {
      const created = await stats(`${shop()}/event-types/${orderCreatedId}/stats`);
      const shipped = await stats(`${shop()}/event-types/${orderShippedId}/stats`);

      const sum = (series: Bucket[]) => series.reduce((total, b) => [total[0]! + b.succeeded, total[1]! + b.failed], [0, 0]);
      expect(sum(created.json.time_series)).toEqual([3, 3]);
      expect(sum(shipped.json.time_series)).toEqual([1, 0]);
    });

    it('counts the message of the other event type once', async () => {
      const response = await stats(`${shop()}/event-types/${orderShippedId}/stats`);

      expect(response.json).toMatchObject({
        total_messages: 1,
        total_attempts: 1,
        total_pending: 0,
        total_succeeded: 1,
        total_failed: 0,
        total_dead_lettered: 0,
        success_rate: 1,
      });
      expect(response.json.recent_messages).toEqual([
        expect.objectContaining({ id: shippedMessageId, attempts_created: 1, succeeded: 1, failed: 0, dead_lettered: 0 }),
      ]);
    });

    it('includes the hidden test event type', async () => {
      const response = await stats(`${shop()}/event-types/${systemTypeId}/stats`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ total_messages: 0, total_attempts: 0, success_rate: 0, subscribed_endpoints: 0, time_series: [] });
      expect(response.json.recent_messages.map((message: { id: string }) => message.id)).toEqual([systemMessageId]);
    });
  });

  describe('of an endpoint', () => {
    it('counts the deliveries of a healthy endpoint', async () => {
      const response = await stats(`${shop()}/endpoints/${healthyEndpointId}/stats`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({
        total_attempts: 5,
        total_pending: 2,
        total_succeeded: 4,
        total_failed: 0,
        total_dead_lettered: 0,
        success_rate: 0.8,
        consecutive_failures: 0,
        last_status: 'succeeded',
      });
      expect(response.json.total_messages).toBeUndefined();
    });

    it('counts the failures of a broken endpoint', async () => {
      const response = await stats(`${shop()}/endpoints/${brokenEndpointId}/stats`);

      expect(response.json).toMatchObject({
        total_attempts: 3,
        total_pending: 1,
        total_succeeded: 0,
        total_failed: 3,
        total_dead_lettered: 3,
        success_rate: 0,
        consecutive_failures: 3,
        last_status: 'failed',
      });
      expect(response.json.time_series.reduce((total: number, bucket: Bucket) => total + bucket.failed, 0)).toBe(3);
    });

    it('prints last_delivery_at in UTC', async () => {
      const response = await stats(`${shop()}/endpoints/${brokenEndpointId}/stats`);

      expect(response.json.last_delivery_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
      expect(Date.parse(response.json.last_delivery_at)).toBeLessThanOrEqual(Date.now());
    });

    it('reports nothing for a disabled endpoint', async () => {
      const response = await stats(`${shop()}/endpoints/${disabledEndpointId}/stats`);

      expect(response.json).toEqual({
        total_attempts: 0,
        total_pending: 0,
        total_succeeded: 0,
        total_failed: 0,
        total_dead_lettered: 0,
        success_rate: 0,
        consecutive_failures: 0,
        last_delivery_at: null,
        last_status: null,
        time_series: [],
      });
    });
  });

  describe('periods', () => {
    const now = new Date();
    const dayMs = 24 * HOUR_MS;
    // d and d2 are midnight UTC three and ten days ago, and h is the UTC hour two hours ago.
    const d = Math.floor((now.getTime() - 3 * dayMs) / dayMs) * dayMs;
    const d2 = Math.floor((now.getTime() - 10 * dayMs) / dayMs) * dayMs;
    const h = Math.floor((now.getTime() - 2 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    const at = (ms: number) => new Date(ms).toISOString();
    const minutes = (count: number) => count * 60_000;

    beforeAll(async () => {
      const messageId = await insertMessage(ledgerId, ledgerTypeId, 'posted-1', `now() - interval '20 days'`);
      const attempts: Array<[string, number]> = [
        ['succeeded', d + minutes(7 * 60 + 30)],
        ['failed', d + minutes(11 * 60 + 59) + 59_000],
        ['succeeded', d + minutes(12 * 60)],
        // 23:59 UTC is already the next day in Kolkata.
        ['succeeded', d + minutes(23 * 60 + 59)],
        ['failed', d2 + minutes(5 * 60)],
        ['succeeded', now.getTime() - 35 * dayMs],
        // Kolkata's half-hour offset would put this attempt in a bucket starting at :30.
        ['succeeded', h + minutes(45)],
      ];
      for (const [status, time] of attempts) {
        await insertAttempt(messageId, ledgerEndpointId, status, at(time));
      }
      await insertDeadLetter(messageId, ledgerEndpointId, ledgerId, at(d + minutes(11 * 60 + 59) + 59_000));
      await insertDeadLetter(messageId, ledgerEndpointId, ledgerId, at(d2 + minutes(5 * 60)));
    });

    const routes = (): Array<[string, string]> => [
      ['application', `${ledger()}/stats`],
      ['event type', `${ledger()}/event-types/${ledgerTypeId}/stats`],
      ['endpoint', `${ledger()}/endpoints/${ledgerEndpointId}/stats`],
    ];

    it.each(['application', 'event type', 'endpoint'])('uses 1-hour UTC buckets for 24h (%s)', async (scope) => {
      const [, path] = routes().find(([name]) => name === scope)!;

      const response = await stats(path, '24h');

      expect(response.json).toMatchObject({ total_attempts: 1, total_succeeded: 1, total_failed: 0, total_dead_lettered: 0 });
      expect(response.json.time_series).toEqual([{ bucket: at(h), succeeded: 1, failed: 0 }]);
    });

    it.each(['application', 'event type', 'endpoint'])('uses 6-hour UTC buckets for 7d (%s)', async (scope) => {
      const [, path] = routes().find(([name]) => name === scope)!;

      const response = await stats(path, '7d');

      expect(response.json).toMatchObject({ total_attempts: 5, total_succeeded: 4, total_failed: 1, total_dead_lettered: 1, success_rate: 0.8 });
      expect(response.json.time_series).toEqual([
        { bucket: at(d + 6 * HOUR_MS), succeeded: 1, failed: 1 },
        { bucket: at(d + 12 * HOUR_MS), succeeded: 1, failed: 0 },
        { bucket: at(d + 18 * HOUR_MS), succeeded: 1, failed: 0 },
        { bucket: bucketStart(new Date(h), 6), succeeded: 1, failed: 0 },
      ]);
    });

    it.each(['application', 'event type', 'endpoint'])('uses UTC days for 30d (%s)', async (scope) => {
      const [, path] = routes().find(([name]) => name === scope)!;

      const response = await stats(path, '30d');

      expect(response.json).toMatchObject({ total_attempts: 6, total_succeeded: 4, total_failed: 2, total_dead_lettered: 2 });
      expect(response.json.time_series).toEqual([
        { bucket: at(d2), succeeded: 0, failed: 1 },
        { bucket: at(d), succeeded: 3, failed: 1 },
        { bucket: bucketStart(new Date(h), 24), succeeded: 1, failed: 0 },
      ]);
    });

    it('counts messages created within the period', async () => {
      const day = await stats(`${ledger()}/stats`, '24h');
      const week = await stats(`${ledger()}/stats`, '7d');
      const month = await stats(`${ledger()}/stats`, '30d');

      expect([day.json.total_messages, week.json.total_messages, month.json.total_messages]).toEqual([0, 0, 1]);
    });

    it('reads a missing period as 24h', async () => {
      const response = await stats(`${ledger()}/stats`);

      expect(response.json.time_series).toEqual([{ bucket: at(h), succeeded: 1, failed: 0 }]);
    });

    it('prints success_rate as a JSON number', async () => {
      const response = await stats(`${ledger()}/stats`, '30d');

      expect(response.text).toContain('"success_rate":0.6666666666666666');
    });
  });

  describe('rejections', () => {
    const paths = (): string[] => [
      `${shop()}/stats`,
      `${shop()}/event-types/${orderCreatedId}/stats`,
      `${shop()}/endpoints/${healthyEndpointId}/stats`,
    ];

    it.each([['1y'], ['24H'], ['7d&period=30d']])('rejects period=%s with 400', async (period) => {
      for (const path of paths()) {
        const response = await stats(path, period);

        expect(response.status).toBe(400);
        expect(response.json).toEqual({ error: PERIOD_ERROR, code: 'bad_request' });
      }
    });

    it('returns 404 to another organization', async () => {
      const outcomes: string[] = [];

      for (const path of paths()) {
        const response = await stats(path, undefined, otherToken);
        outcomes.push(`${path} -> ${response.status} ${response.json?.code}`);
      }

      expect(outcomes.filter((line) => !line.endsWith('-> 404 not_found'))).toEqual([]);
    });

    it('returns 404 for missing ids', async () => {
      const missing = randomUUID();
      const outcomes: string[] = [];

      for (const path of [
        `/api/v1/applications/${missing}/stats`,
        `/api/v1/applications/${missing}/event-types/${orderCreatedId}/stats`,
        `/api/v1/applications/${missing}/endpoints/${healthyEndpointId}/stats`,
        `${shop()}/event-types/${missing}/stats`,
        `${shop()}/endpoints/${missing}/stats`,
      ]) {
        const response = await stats(path);
        outcomes.push(`${path} -> ${response.status} ${response.json?.code}`);
      }

      expect(outcomes.filter((line) => !line.endsWith('-> 404 not_found'))).toEqual([]);
    });

    it('returns 404 across applications', async () => {
      const eventType = await stats(`${shop()}/event-types/${ledgerTypeId}/stats`);
      const endpoint = await stats(`${shop()}/endpoints/${ledgerEndpointId}/stats`);

      expect(eventType.status).toBe(404);
      expect(endpoint.status).toBe(404);
    });
  });
});
