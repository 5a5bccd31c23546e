import {
  CreateEventTypeCommand,
  CreateEventTypeHandler,
  DeleteEventTypeCommand,
  DeleteEventTypeHandler,
  GetEventTypeHandler,
  GetEventTypeQuery,
  ListEventTypesHandler,
  ListEventTypesQuery,
  UpdateEventTypeCommand,
  UpdateEventTypeHandler,
} from '../src';
import { ACTOR, asPigeonError, Catalog, rejectionOf } from './builders';

const SCHEMA = { type: 'object', required: ['invoice'] };

describe('CreateEventTypeHandler', () => {
  it('stores the event type in the application', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new CreateEventTypeHandler(catalog.applications, catalog.eventTypes, catalog.clock);

    const eventType = await sut.execute(new CreateEventTypeCommand(application.id, 'invoice.paid', SCHEMA), ACTOR);

    expect(eventType.appId).toBe(application.id);
    expect(eventType.schema).toEqual(SCHEMA);
    expect(eventType.version).toBe(1);
    expect(catalog.eventTypes.eventTypes.get(eventType.id)).toEqual(eventType);
  });

  it('rejects a name taken in the application', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    await catalog.anEventType(application.id, 'invoice.paid');
    const sut = new CreateEventTypeHandler(catalog.applications, catalog.eventTypes, catalog.clock);

    const error = await rejectionOf(sut.execute(new CreateEventTypeCommand(application.id, 'invoice.paid', null), ACTOR));

    expect(asPigeonError(error).message).toBe(
      'validation error: Event type with this name already exists for this application',
    );
  });
});

describe('GetEventTypeHandler', () => {
  it('hides the system test event type', async () => {
    const catalog = new Catalog();
    const { application, testEventType } = await catalog.anApplication(ACTOR.orgId);
    const sut = new GetEventTypeHandler(catalog.applications, catalog.eventTypes);

    const error = await rejectionOf(sut.execute(new GetEventTypeQuery(application.id, testEventType.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });

  it('reports an event type of another application as not found', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId, 'billing');
    const { application: sibling } = await catalog.anApplication(ACTOR.orgId, 'shipping');
    const siblingEventType = await catalog.anEventType(sibling.id);
    const sut = new GetEventTypeHandler(catalog.applications, catalog.eventTypes);

    const error = await rejectionOf(sut.execute(new GetEventTypeQuery(application.id, siblingEventType.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('ListEventTypesHandler', () => {
  it('leaves out the system test event type', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id);
    const sut = new ListEventTypesHandler(catalog.applications, catalog.eventTypes);

    const page = await sut.execute(new ListEventTypesQuery(application.id, { offset: 0, limit: 20 }), ACTOR);

    expect(page.items).toEqual([eventType]);
    expect(page.total).toBe(1);
  });
});

describe('UpdateEventTypeHandler', () => {
  it('keeps the schema when the schema is undefined', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id, 'invoice.paid', SCHEMA);
    const sut = new UpdateEventTypeHandler(catalog.applications, catalog.eventTypes);

    const updated = await sut.execute(
      new UpdateEventTypeCommand(application.id, eventType.id, 'invoice.settled', undefined, 1),
      ACTOR,
    );

    expect(updated.schema).toEqual(SCHEMA);
    expect(updated.name).toBe('invoice.settled');
    expect(updated.version).toBe(2);
    expect(catalog.eventTypes.eventTypes.get(eventType.id)).toEqual(updated);
  });

  it('clears the schema when the schema is null', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id, 'invoice.paid', SCHEMA);
    const sut = new UpdateEventTypeHandler(catalog.applications, catalog.eventTypes);

    const updated = await sut.execute(new UpdateEventTypeCommand(application.id, eventType.id, 'invoice.paid', null, 1), ACTOR);

    expect(updated.schema).toBeNull();
    expect(catalog.eventTypes.eventTypes.get(eventType.id)!.schema).toBeNull();
  });

  it('replaces the schema', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id, 'invoice.paid', SCHEMA);
    const replacement = { type: 'object' };
    const sut = new UpdateEventTypeHandler(catalog.applications, catalog.eventTypes);

    const updated = await sut.execute(
      new UpdateEventTypeCommand(application.id, eventType.id, 'invoice.paid', replacement, 1),
      ACTOR,
    );

    expect(updated.schema).toEqual(replacement);
  });

  it('rejects a stale version', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id);
    const sut = new UpdateEventTypeHandler(catalog.applications, catalog.eventTypes);
    await sut.execute(new UpdateEventTypeCommand(application.id, eventType.id, 'invoice.settled', undefined, 1), ACTOR);

    const error = await rejectionOf(
      sut.execute(new UpdateEventTypeCommand(application.id, eventType.id, 'invoice.void', undefined, 1), ACTOR),
    );

    expect(asPigeonError(error).code).toBe('version_conflict');
    expect(catalog.eventTypes.eventTypes.get(eventType.id)!.name).toBe('invoice.settled');
  });

  it('rejects the system test event type', async () => {
    const catalog = new Catalog();
    const { application, testEventType } = await catalog.anApplication(ACTOR.orgId);
    const sut = new UpdateEventTypeHandler(catalog.applications, catalog.eventTypes);

    const error = await rejectionOf(
      sut.execute(new UpdateEventTypeCommand(application.id, testEventType.id, 'renamed', undefined, 1), ACTOR),
    );

    expect(asPigeonError(error).message).toBe('validation error: System event types cannot be modified');
    expect(catalog.eventTypes.eventTypes.get(testEventType.id)!.name).toBe('pigeon.test');
  });
});

describe('DeleteEventTypeHandler', () => {
  it('deletes an event type of the application', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id);
    const sut = new DeleteEventTypeHandler(catalog.applications, catalog.eventTypes);

    await sut.execute(new DeleteEventTypeCommand(application.id, eventType.id), ACTOR);

    expect(catalog.eventTypes.eventTypes.has(eventType.id)).toBe(false);
  });

  it('rejects the system test event type', async () => {
    const catalog = new Catalog();
    const { application, testEventType } = await catalog.anApplication(ACTOR.orgId);
    const sut = new DeleteEventTypeHandler(catalog.applications, catalog.eventTypes);

    const error = await rejectionOf(sut.execute(new DeleteEventTypeCommand(application.id, testEventType.id), ACTOR));

    expect(asPigeonError(error).message).toBe('validation error: System event types cannot be deleted');
    expect(catalog.eventTypes.eventTypes.has(testEventType.id)).toBe(true);
  });

  it('reports an event type of another application as not found', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId, 'billing');
    const { application: sibling } = await catalog.anApplication(ACTOR.orgId, 'shipping');
    const siblingEventType = await catalog.anEventType(sibling.id);
    const sut = new DeleteEventTypeHandler(catalog.applications, catalog.eventTypes);

    const error = await rejectionOf(sut.execute(new DeleteEventTypeCommand(application.id, siblingEventType.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(catalog.eventTypes.eventTypes.has(siblingEventType.id)).toBe(true);
  });
});
