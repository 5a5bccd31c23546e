import { randomUUID } from 'node:crypto';

import type { DeliveryTask, SendRefusal, SendRequest, SendResult } from '@pigeon/application';
import { createMessage } from '@pigeon/domain';
import type { DataSource } from 'typeorm';

import { createTestDatabase, type TestDatabase } from '../../../../test-support/database';
import { createDataSource, runMigrations } from '../../src/persistence/data-source';
import { PgDeliveryQueue } from '../../src/persistence/pg-delivery-queue';
import { PgMessageRepository } from '../../src/persistence/pg-message.repository';
import { DatabaseContext } from '../../src/persistence/transaction-context';

jest.setTimeout(60_000);

/** Notes every statement with its parameters, to tell shared send statements from single ones. */
class RecordingContext extends DatabaseContext {
  readonly statements: { sql: string; parameters: unknown[] }[] = [];

  override query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    this.statements.push({ sql, parameters });

    return super.query<T>(sql, parameters);
  }

  /** Send statements that carried more than one message: their first parameter is the array of message ids. */
  sharedSends(): number {
    const shared = this.statements.filter(
      ({ sql, parameters }) => sql.includes('INSERT INTO messages') && (parameters[0] as unknown[]).length > 1,
    );

    return shared.length;
  }
}

const ORG_ID = randomUUID();
const OTHER_ORG_ID = randomUUID();
const APP_ID = randomUUID();
const EVENT_TYPE_ID = randomUUID();
const TEST_EVENT_TYPE_ID = randomUUID();
const ENDPOINT_IDS = [randomUUID(), randomUUID()];

let database: TestDatabase;
let dataSource: DataSource;
let db: RecordingContext;
let sut: PgMessageRepository;

beforeAll(async () => {
  database = await createTestDatabase();
  dataSource = createDataSource({ url: database.url, poolSize: 4, applicationName: 'message-sends-test' });
  await dataSource.initialize();
  await runMigrations(dataSource);
  await dataSource.query(
    `INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, 'Acme', 'acme', now()), ($2, 'Other', 'other', now());
     INSERT INTO applications (id, org_id, name, uid, created_at) VALUES ($3, $1, 'Billing', 'billing', now());
     INSERT INTO event_types (id, app_id, name, system, created_at) VALUES ($4, $3, 'invoice.paid', false, now()),
                                                                        ($5, $3, 'pigeon.test', true, now());
     INSERT INTO endpoints (id, app_id, url, signing_secrets, created_at)
       VALUES ($6, $3, 'https://a.example/hook', ARRAY['whsec_a'], now()), ($7, $3, 'https://b.example/hook', ARRAY['whsec_b'], now());
     INSERT INTO endpoint_events (endpoint_id, event_type_id) VALUES ($6, $4), ($7, $4);`.replace(/\$(\d)/g, (_match, n: string) => `'${[ORG_ID, OTHER_ORG_ID, APP_ID, EVENT_TYPE_ID, TEST_EVENT_TYPE_ID, ...ENDPOINT_IDS][Number(n) - 1]}'`),
  );
  db = new RecordingContext(dataSource);
  sut = new PgMessageRepository(db);
});

afterAll(async () => {
  await dataSource?.destroy();
  await database?.drop();
});

function request(options: { key?: string; eventTypeId?: string; orgId?: string; payload?: string } = {}): SendRequest {
  const message = createMessage({
    appId: APP_ID,
    eventTypeId: options.eventTypeId ?? EVENT_TYPE_ID,
    payload: options.payload ?? '{"n":1}',
    idempotencyKey: options.key ?? null,
    idempotencyTtlSeconds: 3600,
    now: new Date(),
  });
  const orgId = options.orgId ?? ORG_ID;

  return {
    message,
    orgId,
    audit: { orgId, actor: 'alice', commandName: 'SendMessage', success: true, errorMessage: null, timestamp: new Date() },
  };
}

async function count(sql: string): Promise<number> {
  const rows = (await dataSource.query(sql)) as { n: string }[];

  return Number(rows[0]?.n);
}

describe('PgMessageRepository sends', () => {
  function stored(result: SendResult | SendRefusal): SendResult {
    if (typeof result === 'string') {
      throw new Error(`expected a stored message, got ${result}`);
    }

    return result;
  }

  it('stores concurrent sends in shared statements', async () => {
    db.statements.length = 0;
    const requests = Array.from({ length: 40 }, (_unused, index) => request({ payload: `{"n":${index}}` }));

    const results = (await Promise.all(requests.map((each) => sut.send(each)))).map(stored);

    expect(results.map((result) => [result.message.id, result.attemptsCreated, result.duplicate])).toEqual(
      requests.map((each) => [each.message.id, 2, false]),
    );
    expect(db.sharedSends()).toBeGreaterThan(0);
    expect(db.statements.length).toBeLessThan(40);
    const ids = `(${requests.map((each) => `'${each.message.id}'`).join(',')})`;
    expect(await count(`SELECT count(*) AS n FROM messages WHERE id IN ${ids}`)).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM attempts WHERE message_id IN ${ids}`)).toBe(80);
    expect(await count(`SELECT count(*) AS n FROM message_delivery_status WHERE attempts_created = 2 AND message_id IN ${ids}`)).toBe(40);
    expect(await count(`SELECT count(*) AS n FROM event_outbox WHERE event_type = 'message_created' AND payload->>'message_id' IN ${ids}`)).toBe(40);
  });

  it('keeps refusals and duplicates apart in a burst', async () => {
    const before = await count(`SELECT count(*) AS n FROM audit_log`);
    const burst = [
      request({ key: 'order-1' }),
      request({ key: 'order-1', payload: '{"again":true}' }),
      request({ key: 'order-2' }),
      request({ eventTypeId: TEST_EVENT_TYPE_ID }),
      request({ eventTypeId: randomUUID() }),
      request({ orgId: OTHER_ORG_ID }),
      request({ key: 'order-3' }),
    ];

    const results = await Promise.all(burst.map((each) => sut.send(each)));

    // The two sends with key order-1 may run in concurrent statements, so either can win.
    const [winner, loser] = [stored(results[0]!), stored(results[1]!)].sort((a, b) => Number(a.duplicate) - Number(b.duplicate));
    expect([burst[0]!.message, burst[1]!.message]).toContainEqual(winner!.message);
    expect(winner).toMatchObject({ attemptsCreated: 2, duplicate: false });
    expect(loser).toEqual({ message: winner!.message, attemptsCreated: 0, duplicate: true });
    expect(stored(results[2]!).duplicate).toBe(false);
    expect(results.slice(3, 6)).toEqual(['event_type_not_found', 'event_type_not_found', 'application_not_found']);
    expect(stored(results[6]!).attemptsCreated).toBe(2);
    // Accepted sends and duplicates are audited; refusals are audited by the command bus.
    expect(await count(`SELECT count(*) AS n FROM audit_log`)).toBe(before + 4);
  });

  it('fails only the rejected send', async () => {
    const good = Array.from({ length: 5 }, () => request());
    // The domain never lets invalid JSON through; here it stands for any row the database refuses.
    const valid = request();
    const bad = { ...valid, message: { ...valid.message, payload: '{"unterminated": ' } };

    const results = await Promise.allSettled([...good, bad].map((each) => sut.send(each)));

    expect(results.slice(0, 5).map((result) => result.status)).toEqual(Array(5).fill('fulfilled'));
    expect(results[5]).toMatchObject({ status: 'rejected', reason: { code: '22P02' } });
    const ids = `(${good.map((each) => `'${each.message.id}'`).join(',')})`;
    expect(await count(`SELECT count(*) AS n FROM messages WHERE id IN ${ids}`)).toBe(5);
  });
});

describe('PgDeliveryQueue release', () => {
  const queue = () => new PgDeliveryQueue(new DatabaseContext(dataSource));

  /** Sends a message and claims every due attempt; earlier tests left theirs pending, so the claim takes all. */
  async function claimed(): Promise<DeliveryTask[]> {
    const sent = request();
    await sut.send(sent);
    const tasks = await queue().claim({ limit: 1000, leaseMs: 60_000, maxPerEndpoint: 1000, endpointsInFlight: new Map() });

    return tasks.filter((task) => task.messageId === sent.message.id);
  }

  async function attemptsOf(tasks: readonly DeliveryTask[]): Promise<{ status: string; due: boolean; claim_token: string | null }[]> {
    return (await dataSource.query(
      `SELECT status, next_attempt_at <= now() AS due, claim_token FROM attempts WHERE id = ANY($1::uuid[]) ORDER BY id`,
      [tasks.map((task) => task.attemptId)],
    )) as { status: string; due: boolean; claim_token: string | null }[];
  }

  it('puts claimed attempts back, due at once', async () => {
    const tasks = await claimed();

    await queue().release(tasks);

    expect(tasks).toHaveLength(2);
    expect(await attemptsOf(tasks)).toEqual([
      { status: 'pending', due: true, claim_token: null },
      { status: 'pending', due: true, claim_token: null },
    ]);
  });

  it('leaves an attempt that another claim took since', async () => {
    const [task] = await claimed();
    await dataSource.query(`UPDATE attempts SET claim_token = gen_random_uuid() WHERE id = $1`, [task!.attemptId]);

    await queue().release([task!]);

    expect(await attemptsOf([task!])).toEqual([{ status: 'in_flight', due: false, claim_token: expect.any(String) }]);
  });
});
