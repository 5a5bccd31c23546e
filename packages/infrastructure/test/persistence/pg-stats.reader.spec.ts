import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { createTestDatabase, type TestDatabase } from '../../../../test-support/database';
import { createDataSource, runMigrations } from '../../src/persistence/data-source';
import { PgStatsReader } from '../../src/persistence/pg-stats.reader';
import { DatabaseContext } from '../../src/persistence/transaction-context';

jest.setTimeout(60_000);

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The server's pool pins its sessions to UTC, so these tests read through a
 * session in Asia/Kolkata instead. Its +05:30 offset moves every hour, 6-hour
 * and day boundary, so only SQL that buckets in UTC by itself passes.
 */
describe('PgStatsReader in a non-UTC session', () => {
  let database: TestDatabase;
  let kolkata: DataSource;
  let sut: PgStatsReader;
  let appId: string;
  let eventTypeId: string;
  let endpointId: string;
  const now = Date.now();
  const day = Math.floor((now - 3 * DAY_MS) / DAY_MS) * DAY_MS;
  const hour = Math.floor((now - 2 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const at = (ms: number) => new Date(ms);

  beforeAll(async () => {
    database = await createTestDatabase();
    const migrator = createDataSource({ url: database.url, poolSize: 1, applicationName: 'stats-reader-test' });
    await migrator.initialize();
    await runMigrations(migrator);
    await migrator.destroy();

    kolkata = new DataSource({ type: 'postgres', url: database.url, extra: { max: 2, options: '-c timezone=Asia/Kolkata' } });
    await kolkata.initialize();
    const zone = await kolkata.query('SHOW timezone');
    if (zone[0].TimeZone !== 'Asia/Kolkata') {
      throw new Error(`expected the session time zone Asia/Kolkata, got ${zone[0].TimeZone}`);
    }
    sut = new PgStatsReader(new DatabaseContext(kolkata));

    const orgId = randomUUID();
    appId = randomUUID();
    eventTypeId = randomUUID();
    endpointId = randomUUID();
    const messageId = randomUUID();
    await kolkata.query(`INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, 'Org', 'org', now())`, [orgId]);
    await kolkata.query(`INSERT INTO applications (id, org_id, name, uid, created_at) VALUES ($1, $2, 'App', 'app', now())`, [appId, orgId]);
    await kolkata.query(`INSERT INTO event_types (id, app_id, name, created_at) VALUES ($1, $2, 'thing.done', now())`, [eventTypeId, appId]);
    await kolkata.query(
      `INSERT INTO endpoints (id, app_id, url, signing_secrets, created_at) VALUES ($1, $2, 'https://example.com/hook', '{}', now())`,
      [endpointId, appId],
    );
    await kolkata.query(`INSERT INTO endpoint_events (endpoint_id, event_type_id) VALUES ($1, $2)`, [endpointId, eventTypeId]);
    await kolkata.query(
      `INSERT INTO messages (id, app_id, event_type_id, payload, idempotency_key, idempotency_expires_at, created_at)
       VALUES ($1, $2, $3, '{}', 'key-1', now(), now() - interval '5 days')`,
      [messageId, appId, eventTypeId],
    );

    // 05:45 UTC is 11:15 in Kolkata, and 23:50 UTC is already the next day there.
    const attempts: Array<[string, Date]> = [
      ['succeeded', at(day + 5 * HOUR_MS + 45 * 60_000)],
      ['failed', at(day + 23 * HOUR_MS + 50 * 60_000)],
      ['succeeded', at(hour + 45 * 60_000)],
    ];
    for (const [status, attemptedAt] of attempts) {
      await kolkata.query(
        `INSERT INTO attempts (id, message_id, endpoint_id, status, attempted_at, created_at) VALUES ($1, $2, $3, $4, $5, now())`,
        [randomUUID(), messageId, endpointId, status, attemptedAt],
      );
    }
  });

  afterAll(async () => {
    await kolkata?.destroy();
    await database?.drop();
  });

  it('starts 24h buckets on the UTC hour', async () => {
    const stats = await sut.applicationStats(appId, '24h');

    expect(stats.timeSeries).toEqual([{ bucket: at(hour), succeeded: 1, failed: 0 }]);
  });

  it('starts 7d buckets at 00, 06, 12 and 18 UTC', async () => {
    const stats = await sut.eventTypeStats(appId, eventTypeId, '7d', 10);

    expect(stats.timeSeries).toEqual([
      { bucket: at(day), succeeded: 1, failed: 0 },
      { bucket: at(day + 18 * HOUR_MS), succeeded: 0, failed: 1 },
      { bucket: at(Math.floor(hour / (6 * HOUR_MS)) * 6 * HOUR_MS), succeeded: 1, failed: 0 },
    ]);
  });

  it('starts 30d buckets at midnight UTC', async () => {
    const stats = await sut.endpointStats(endpointId, '30d');

    expect(stats.timeSeries).toEqual([
      { bucket: at(day), succeeded: 1, failed: 1 },
      { bucket: at(Math.floor(hour / DAY_MS) * DAY_MS), succeeded: 1, failed: 0 },
    ]);
  });

  it('reports zeros for an endpoint without deliveries', async () => {
    const stats = await sut.endpointStats(randomUUID(), '24h');

    expect(stats).toEqual({
      totalAttempts: 0,
      totalPending: 0,
      totalSucceeded: 0,
      totalFailed: 0,
      totalDeadLettered: 0,
      timeSeries: [],
      consecutiveFailures: 0,
      lastDeliveryAt: null,
      lastStatus: null,
    });
  });
});
