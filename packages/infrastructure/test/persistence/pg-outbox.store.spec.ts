import { randomUUID } from 'node:crypto';

import {
  type DomainEvent,
  type EventMetadata,
  Logger,
  OutboxProcessor,
  OutboxSubscriber,
  RetentionJob,
} from '@pigeon/application';
import type { DataSource } from 'typeorm';

import { createTestDatabase, type TestDatabase } from '../../../../test-support/database';
import { createDataSource, runMigrations } from '../../src/persistence/data-source';
import { PgOutboxStore } from '../../src/persistence/pg-outbox.store';
import { PgRetentionStore } from '../../src/persistence/pg-retention.store';
import { DatabaseContext } from '../../src/persistence/transaction-context';

jest.setTimeout(60_000);

class SilentLogger extends Logger {
  debug(): void {}
  info(): void {}
  warn(): void {}
  error(): void {}
}

/** Records the ids of the events it receives and yields once per event, so concurrent batches overlap. */
class RecordingSubscriber extends OutboxSubscriber {
  readonly name = 'recording';
  readonly eventIds: string[] = [];

  async handle(_event: DomainEvent, metadata: EventMetadata): Promise<void> {
    this.eventIds.push(metadata.eventId);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

interface OutboxRow {
  id: string;
  processed: boolean;
  error: string | null;
}

describe('PgOutboxStore', () => {
  let database: TestDatabase;
  const dataSources: DataSource[] = [];

  async function openDataSource(): Promise<DataSource> {
    const dataSource = createDataSource({ url: database.url, poolSize: 2, applicationName: 'outbox-store-test' });
    await dataSource.initialize();
    dataSources.push(dataSource);

    return dataSource;
  }

  function processorOn(dataSource: DataSource, subscriber: OutboxSubscriber, batchSize: number): OutboxProcessor {
    const store = new PgOutboxStore(new DatabaseContext(dataSource));

    return new OutboxProcessor(store, [subscriber], new SilentLogger(), { batchSize, pollIntervalMs: 1000 });
  }

  /** Runs batches until one claims nothing, or fails after `maxBatches`, so a stalled queue ends the test. */
  async function drain(processor: OutboxProcessor, maxBatches = 100): Promise<void> {
    for (let batch = 0; batch < maxBatches; batch += 1) {
      if ((await processor.processBatch()) === 0) {
        return;
      }
    }

    throw new Error(`outbox not drained after ${maxBatches} batches`);
  }

  async function insertSucceededEvents(dataSource: DataSource, count: number): Promise<string[]> {
    const rows: { id: string }[] = await dataSource.query(
      `INSERT INTO event_outbox (id, event_type, payload, created_at)
       SELECT gen_random_uuid(), 'attempt_succeeded',
              jsonb_build_object('attempt_id', gen_random_uuid(), 'message_id', gen_random_uuid(),
                                 'endpoint_id', gen_random_uuid(), 'response_code', 200, 'duration_ms', n),
              now() - make_interval(secs => $1 - n)
       FROM generate_series(1, $1) AS n
       RETURNING id`,
      [count],
    );

    return rows.map((row) => row.id);
  }

  async function outboxRows(dataSource: DataSource): Promise<OutboxRow[]> {
    return dataSource.query(`SELECT id, processed_at IS NOT NULL AS processed, error FROM event_outbox ORDER BY created_at, id`);
  }

  beforeAll(async () => {
    database = await createTestDatabase();
    const migrator = await openDataSource();
    await runMigrations(migrator);
  });

  beforeEach(async () => {
    await dataSources[0]!.query(`DELETE FROM event_outbox`);
  });

  afterAll(async () => {
    await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
    await database?.drop();
  });

  it('processes each event exactly once with three processors', async () => {
    const inserted = await insertSucceededEvents(dataSources[0]!, 300);
    const subscribers = [new RecordingSubscriber(), new RecordingSubscriber(), new RecordingSubscriber()];
    const processors = await Promise.all(subscribers.map(async (subscriber) => processorOn(await openDataSource(), subscriber, 10)));

    await Promise.all(processors.map((processor) => drain(processor)));

    const handled = subscribers.flatMap((subscriber) => subscriber.eventIds);
    const rows = await outboxRows(dataSources[0]!);
    expect(handled).toHaveLength(300);
    expect([...handled].sort()).toEqual([...inserted].sort());
    expect(subscribers.map((subscriber) => subscriber.eventIds.length > 0)).toEqual([true, true, true]);
    expect(rows.filter((row) => !row.processed)).toEqual([]);
    expect(rows.filter((row) => row.error !== null)).toEqual([]);
  });

  it('marks poison rows with a note and processes the rows behind them', async () => {
    const dataSource = dataSources[0]!;
    await dataSource.query(
      `INSERT INTO event_outbox (id, event_type, payload, created_at) VALUES
         ($1, 'no_such_event', '{}', now() - interval '3 minutes'),
         ($2, 'dead_lettered', '{"message_id": 7}', now() - interval '2 minutes'),
         ($3, 'attempt_failed', '"not an object"', now() - interval '1 minute')`,
      [randomUUID(), randomUUID(), randomUUID()],
    );
    const valid = await insertSucceededEvents(dataSource, 2);
    const subscriber = new RecordingSubscriber();
    const sut = processorOn(dataSource, subscriber, 2);

    await drain(sut, 10);

    const rows = await outboxRows(dataSource);
    expect(subscriber.eventIds).toEqual(valid);
    expect(rows.map((row) => row.processed)).toEqual([true, true, true, true, true]);
    expect(rows.map((row) => row.error)).toEqual([
      'unknown event type "no_such_event"',
      'invalid dead_lettered payload: message_id must be a UUID',
      'invalid attempt_failed payload: not a JSON object',
      null,
      null,
    ]);
  });

  it('leaves the batch unprocessed when its transaction fails', async () => {
    const dataSource = dataSources[0]!;
    await insertSucceededEvents(dataSource, 3);
    const sut = new PgOutboxStore(new DatabaseContext(dataSource));

    const processing = sut.processBatch(10, () => Promise.reject(new Error('connection lost')));

    await expect(processing).rejects.toThrow('connection lost');
    expect((await outboxRows(dataSource)).map((row) => row.processed)).toEqual([false, false, false]);
  });

  describe('pruned by the retention job', () => {
    let expired: string[];
    let retained: string[];

    beforeEach(async () => {
      const dataSource = dataSources[0]!;
      const insert = (processedAt: string, createdAt: string) =>
        dataSource.query(
          `INSERT INTO event_outbox (id, event_type, payload, created_at, processed_at)
           VALUES (gen_random_uuid(), 'message_retriggered', '{}', now() - $1::interval, now() - $2::interval)
           RETURNING id`,
          [createdAt, processedAt],
        );
      expired = [];
      for (let index = 0; index < 5; index += 1) {
        expired.push(((await insert('8 days', '9 days')) as { id: string }[])[0]!.id);
      }
      const recent = (await insert('6 days', '9 days')) as { id: string }[];
      const unprocessed = (await dataSource.query(
        `INSERT INTO event_outbox (id, event_type, payload, created_at) VALUES (gen_random_uuid(), 'message_retriggered', '{}', now() - interval '30 days')
         RETURNING id`,
      )) as { id: string }[];
      retained = [recent[0]!.id, unprocessed[0]!.id];
    });

    it('deletes only processed events past the retention, in batches', async () => {
      const store = new PgRetentionStore(new DatabaseContext(dataSources[0]!));
      const sut = new RetentionJob(store, new SilentLogger(), {
        retentionDays: 0,
        outboxRetentionDays: 7,
        batchSize: 2,
        maxBatchesPerRun: 10,
      });

      const report = await sut.runOnce();

      const remaining = (await outboxRows(dataSources[0]!)).map((row) => row.id);
      expect(report.outboxEventsDeleted).toBe(expired.length);
      expect(remaining.sort()).toEqual([...retained].sort());
    });

    it('keeps every event when the outbox retention is 0', async () => {
      const store = new PgRetentionStore(new DatabaseContext(dataSources[0]!));
      const sut = new RetentionJob(store, new SilentLogger(), {
        retentionDays: 0,
        outboxRetentionDays: 0,
        batchSize: 2,
        maxBatchesPerRun: 10,
      });

      const report = await sut.runOnce();

      expect(report.outboxEventsDeleted).toBe(0);
      expect(await outboxRows(dataSources[0]!)).toHaveLength(expired.length + retained.length);
    });
  });
});
