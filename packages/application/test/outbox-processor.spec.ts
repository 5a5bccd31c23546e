import { decodeDomainEvent, type DomainEvent, LoggingSubscriber, OutboxProcessor } from '../src';
import { CollectingLogger } from './fakes';
import { InMemoryOutboxStore, RecordingSubscriber } from './fakes/outbox';

const MESSAGE_ID = '11111111-1111-4111-8111-111111111111';
const APP_ID = '22222222-2222-4222-8222-222222222222';
const ENDPOINT_ID = '33333333-3333-4333-8333-333333333333';
const ATTEMPT_ID = '44444444-4444-4444-8444-444444444444';
const OTHER_ID = '55555555-5555-4555-8555-555555555555';

/** One stored payload per event type with the event it decodes to. */
const EVENTS: ReadonlyArray<readonly [string, Record<string, unknown>, DomainEvent]> = [
  [
    'message_created',
    { message_id: MESSAGE_ID, app_id: APP_ID, event_type_id: OTHER_ID, attempts_created: 2 },
    { type: 'message_created', messageId: MESSAGE_ID, appId: APP_ID, eventTypeId: OTHER_ID, attemptsCreated: 2 },
  ],
  [
    'message_retriggered',
    { message_id: MESSAGE_ID, attempts_created: 1 },
    { type: 'message_retriggered', messageId: MESSAGE_ID, attemptsCreated: 1 },
  ],
  [
    'dead_lettered',
    { message_id: MESSAGE_ID, endpoint_id: ENDPOINT_ID, app_id: APP_ID },
    { type: 'dead_lettered', messageId: MESSAGE_ID, endpointId: ENDPOINT_ID, appId: APP_ID },
  ],
  [
    'dead_letter_replayed',
    { dead_letter_id: OTHER_ID, message_id: MESSAGE_ID, endpoint_id: ENDPOINT_ID },
    { type: 'dead_letter_replayed', deadLetterId: OTHER_ID, messageId: MESSAGE_ID, endpointId: ENDPOINT_ID },
  ],
  [
    'attempt_succeeded',
    { attempt_id: ATTEMPT_ID, message_id: MESSAGE_ID, endpoint_id: ENDPOINT_ID, response_code: 204, duration_ms: 31 },
    { type: 'attempt_succeeded', attemptId: ATTEMPT_ID, messageId: MESSAGE_ID, endpointId: ENDPOINT_ID, responseCode: 204, durationMs: 31 },
  ],
  [
    'attempt_failed',
    { attempt_id: ATTEMPT_ID, message_id: MESSAGE_ID, endpoint_id: ENDPOINT_ID, response_code: null, duration_ms: 0, will_retry: true },
    {
      type: 'attempt_failed',
      attemptId: ATTEMPT_ID,
      messageId: MESSAGE_ID,
      endpointId: ENDPOINT_ID,
      responseCode: null,
      durationMs: 0,
      willRetry: true,
    },
  ],
  [
    'endpoint_updated',
    { endpoint_id: ENDPOINT_ID, app_id: APP_ID, enabled: false },
    { type: 'endpoint_updated', endpointId: ENDPOINT_ID, appId: APP_ID, enabled: false },
  ],
];

describe('decodeDomainEvent', () => {
  it.each(EVENTS)('decodes %s', (type, payload, expected) => {
    const decoded = decodeDomainEvent(type, payload);

    expect(decoded).toEqual({ ok: true, event: expected });
  });

  it('ignores fields the type does not define', () => {
    const decoded = decodeDomainEvent('message_retriggered', { message_id: MESSAGE_ID, attempts_created: 1, extra: 'x' });

    expect(decoded).toEqual({ ok: true, event: { type: 'message_retriggered', messageId: MESSAGE_ID, attemptsCreated: 1 } });
  });

  it('rejects an unknown type', () => {
    const decoded = decodeDomainEvent('message_deleted', { message_id: MESSAGE_ID });

    expect(decoded).toEqual({ ok: false, reason: 'unknown event type "message_deleted"' });
  });

  it('rejects a payload that is not an object', () => {
    const decoded = decodeDomainEvent('dead_lettered', [MESSAGE_ID]);

    expect(decoded).toEqual({ ok: false, reason: 'invalid dead_lettered payload: not a JSON object' });
  });

  it('rejects a missing field', () => {
    const decoded = decodeDomainEvent('dead_lettered', { message_id: MESSAGE_ID, endpoint_id: ENDPOINT_ID });

    expect(decoded).toEqual({ ok: false, reason: 'invalid dead_lettered payload: app_id must be a UUID' });
  });

  it.each([
    ['attempt_failed', { will_retry: 'yes' }, 'will_retry must be a boolean'],
    ['attempt_failed', { duration_ms: -1 }, 'duration_ms must be a non-negative integer'],
    ['attempt_failed', { response_code: 42 }, 'response_code must be an HTTP status code or null'],
    ['attempt_succeeded', { response_code: null }, 'response_code must be an HTTP status code'],
    ['attempt_succeeded', { message_id: 'not-a-uuid' }, 'message_id must be a UUID'],
  ])('rejects %s with %j', (type, override, reason) => {
    const valid = EVENTS.find(([name]) => name === type)![1];

    const decoded = decodeDomainEvent(type, { ...valid, ...override });

    expect(decoded).toEqual({ ok: false, reason: `invalid ${type} payload: ${reason}` });
  });
});

describe('OutboxProcessor', () => {
  function setUp(batchSize = 10) {
    const store = new InMemoryOutboxStore();
    const first = new RecordingSubscriber('first');
    const second = new RecordingSubscriber('second');
    const logger = new CollectingLogger();
    const sut = new OutboxProcessor(store, [first, second], logger, { batchSize, pollIntervalMs: 1000 });

    return { sut, store, first, second, logger };
  }

  it('hands each event to every subscriber with its metadata', async () => {
    const { sut, store, first, second } = setUp();
    const [type, payload, event] = EVENTS[0]!;
    const record = store.add(type, payload);

    await sut.processBatch();

    const expected = [{ event, metadata: { eventId: record.id, occurredAt: record.createdAt } }];
    expect(first.received).toEqual(expected);
    expect(second.received).toEqual(expected);
  });

  it('marks handled records processed without a note', async () => {
    const { sut, store } = setUp();
    const record = store.add(EVENTS[1]![0], EVENTS[1]![1]);

    await sut.processBatch();

    expect(record.processed).toBe(true);
    expect(record.note).toBeNull();
  });

  it('claims at most the batch size', async () => {
    const { sut, store } = setUp(2);
    for (const [type, payload] of EVENTS.slice(0, 3)) {
      store.add(type, payload);
    }

    const claimed = await sut.processBatch();

    expect(claimed).toBe(2);
    expect(store.records.map((record) => record.processed)).toEqual([true, true, false]);
  });

  it('marks an invalid record with its reason and goes on', async () => {
    const { sut, store, first, logger } = setUp();
    const poison = store.add('no_such_event', {});
    const valid = store.add(EVENTS[2]![0], EVENTS[2]![1]);

    await sut.processBatch();

    expect(poison.processed).toBe(true);
    expect(poison.note).toBe('unknown event type "no_such_event"');
    expect(valid.processed).toBe(true);
    expect(first.received.map((received) => received.event.type)).toEqual(['dead_lettered']);
    expect(logger.messages('warn')).toEqual(['invalid outbox event skipped']);
  });

  it('notes a failed subscriber and still calls the others', async () => {
    const { sut, store, first, second, logger } = setUp();
    first.failure = new Error('disk full');
    const record = store.add(EVENTS[3]![0], EVENTS[3]![1]);

    await sut.processBatch();

    expect(record.processed).toBe(true);
    expect(record.note).toBe('first failed: disk full');
    expect(second.received).toHaveLength(1);
    expect(logger.lines.filter((line) => line.level === 'error').map((line) => line.fields)).toEqual([
      { eventId: record.id, eventType: 'dead_letter_replayed', subscriber: 'first', error: 'disk full' },
    ]);
  });

  describe('when started', () => {
    beforeEach(() => {
      jest.useFakeTimers();
    });

    afterEach(() => {
      jest.useRealTimers();
    });

    it('drains the outbox batch after batch and stops cleanly', async () => {
      const { sut, store, logger } = setUp(2);
      for (const [type, payload] of EVENTS) {
        store.add(type, payload);
      }

      sut.start();
      await jest.advanceTimersByTimeAsync(0);
      await sut.stop();

      expect(store.records.every((record) => record.processed)).toBe(true);
      expect(logger.messages('info')).toEqual(['outbox processor started', 'outbox processor stopped']);
    });

    it('picks up new records after the poll interval', async () => {
      const { sut, store } = setUp();
      sut.start();
      await jest.advanceTimersByTimeAsync(0);
      const record = store.add(EVENTS[0]![0], EVENTS[0]![1]);

      await jest.advanceTimersByTimeAsync(1000);
      await sut.stop();

      expect(record.processed).toBe(true);
    });
  });
});

describe('LoggingSubscriber', () => {
  it('writes one debug line with the ids of the event', async () => {
    const logger = new CollectingLogger();
    const sut = new LoggingSubscriber(logger);
    const occurredAt = new Date('2030-01-02T03:04:05.000Z');

    await sut.handle(EVENTS[5]![2], { eventId: OTHER_ID, occurredAt });

    expect(logger.lines).toEqual([
      {
        level: 'debug',
        message: 'domain event',
        fields: {
          eventId: OTHER_ID,
          eventType: 'attempt_failed',
          occurredAt: '2030-01-02T03:04:05.000Z',
          attemptId: ATTEMPT_ID,
          messageId: MESSAGE_ID,
          endpointId: ENDPOINT_ID,
          responseCode: null,
          durationMs: 0,
          willRetry: true,
        },
      },
    ]);
  });
});
