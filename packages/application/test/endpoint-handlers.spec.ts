import {
  CreateEndpointCommand,
  CreateEndpointHandler,
  DeleteEndpointCommand,
  DeleteEndpointHandler,
  GetEndpointHandler,
  GetEndpointQuery,
  UpdateEndpointCommand,
  UpdateEndpointHandler,
} from '../src';
import { ACTOR, asPigeonError, Catalog, rejectionOf } from './builders';

const URL = 'https://hooks.example.com/pigeon';

async function setUp() {
  const catalog = new Catalog();
  const { application, testEventType } = await catalog.anApplication(ACTOR.orgId, 'billing');
  const eventType = await catalog.anEventType(application.id, 'invoice.paid');
  const { application: sibling } = await catalog.anApplication(ACTOR.orgId, 'shipping');
  const siblingEventType = await catalog.anEventType(sibling.id, 'parcel.sent');

  return { catalog, application, eventType, testEventType, siblingEventType };
}

describe('CreateEndpointHandler', () => {
  it('stores a subscribed endpoint', async () => {
    const { catalog, application, eventType } = await setUp();
    const sut = new CreateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints, catalog.clock);

    const endpoint = await sut.execute(new CreateEndpointCommand(application.id, 'Ledger', URL, [eventType.id]), ACTOR);

    expect(endpoint.eventTypeIds).toEqual([eventType.id]);
    expect(endpoint.enabled).toBe(true);
    expect(endpoint.version).toBe(1);
    expect(catalog.endpoints.endpoints.get(endpoint.id)).toEqual(endpoint);
  });

  it('collapses duplicate event type ids', async () => {
    const { catalog, application, eventType } = await setUp();
    const sut = new CreateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints, catalog.clock);

    const endpoint = await sut.execute(
      new CreateEndpointCommand(application.id, 'Ledger', URL, [eventType.id, eventType.id]),
      ACTOR,
    );

    expect(endpoint.eventTypeIds).toEqual([eventType.id]);
  });

  it('rejects an event type of another application', async () => {
    const { catalog, application, siblingEventType } = await setUp();
    const sut = new CreateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints, catalog.clock);

    const error = await rejectionOf(
      sut.execute(new CreateEndpointCommand(application.id, 'Ledger', URL, [siblingEventType.id]), ACTOR),
    );

    expect(asPigeonError(error).code).toBe('validation_failed');
    expect(asPigeonError(error).message).toBe(`validation error: Event type not found: ${siblingEventType.id}`);
    expect(catalog.endpoints.endpoints.size).toBe(0);
  });

  it('rejects a subscription to the system test event type', async () => {
    const { catalog, application, testEventType } = await setUp();
    const sut = new CreateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints, catalog.clock);

    const error = await rejectionOf(
      sut.execute(new CreateEndpointCommand(application.id, 'Ledger', URL, [testEventType.id]), ACTOR),
    );

    expect(asPigeonError(error).message).toBe(`validation error: Event type not found: ${testEventType.id}`);
    expect(catalog.endpoints.endpoints.size).toBe(0);
  });

  it('names the first unknown event type', async () => {
    const { catalog, application, eventType } = await setUp();
    const sut = new CreateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints, catalog.clock);

    const error = await rejectionOf(
      sut.execute(new CreateEndpointCommand(application.id, 'Ledger', URL, [eventType.id, 'unknown-1', 'unknown-2']), ACTOR),
    );

    expect(asPigeonError(error).message).toBe('validation error: Event type not found: unknown-1');
  });
});

describe('GetEndpointHandler', () => {
  it('reports an endpoint of another application as not found', async () => {
    const { catalog, application, siblingEventType } = await setUp();
    const siblingEndpoint = await catalog.anEndpoint(siblingEventType.appId, [siblingEventType.id]);
    const sut = new GetEndpointHandler(catalog.applications, catalog.endpoints);

    const error = await rejectionOf(sut.execute(new GetEndpointQuery(application.id, siblingEndpoint.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('UpdateEndpointHandler', () => {
  it('re-enables a disabled endpoint', async () => {
    const { catalog, application, eventType } = await setUp();
    const endpoint = await catalog.anEndpoint(application.id, [eventType.id], false);
    const sut = new UpdateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints);

    const updated = await sut.execute(
      new UpdateEndpointCommand(application.id, endpoint.id, URL, [eventType.id], 1, null, true),
      ACTOR,
    );

    expect(updated.enabled).toBe(true);
    expect(updated.version).toBe(2);
    expect(catalog.endpoints.endpoints.get(endpoint.id)!.enabled).toBe(true);
  });

  it('rejects a stale version', async () => {
    const { catalog, application, eventType } = await setUp();
    const endpoint = await catalog.anEndpoint(application.id, [eventType.id]);
    const sut = new UpdateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints);

    const error = await rejectionOf(
      sut.execute(new UpdateEndpointCommand(application.id, endpoint.id, URL, [eventType.id], 2, null, null), ACTOR),
    );

    expect(asPigeonError(error).code).toBe('version_conflict');
  });

  it('rejects a subscription to the system test event type', async () => {
    const { catalog, application, eventType, testEventType } = await setUp();
    const endpoint = await catalog.anEndpoint(application.id, [eventType.id]);
    const sut = new UpdateEndpointHandler(catalog.applications, catalog.eventTypes, catalog.endpoints);

    const error = await rejectionOf(
      sut.execute(new UpdateEndpointCommand(application.id, endpoint.id, URL, [testEventType.id], 1, null, null), ACTOR),
    );

    expect(asPigeonError(error).message).toBe(`validation error: Event type not found: ${testEventType.id}`);
    expect(catalog.endpoints.endpoints.get(endpoint.id)).toEqual(endpoint);
  });
});

describe('DeleteEndpointHandler', () => {
  it('deletes an endpoint of the application', async () => {
    const { catalog, application, eventType } = await setUp();
    const endpoint = await catalog.anEndpoint(application.id, [eventType.id]);
    const sut = new DeleteEndpointHandler(catalog.applications, catalog.endpoints);

    await sut.execute(new DeleteEndpointCommand(application.id, endpoint.id), ACTOR);

    expect(catalog.endpoints.endpoints.has(endpoint.id)).toBe(false);
  });

  it('reports an endpoint of another application as not found', async () => {
    const { catalog, application, siblingEventType } = await setUp();
    const siblingEndpoint = await catalog.anEndpoint(siblingEventType.appId, [siblingEventType.id]);
    const sut = new DeleteEndpointHandler(catalog.applications, catalog.endpoints);

    const error = await rejectionOf(sut.execute(new DeleteEndpointCommand(application.id, siblingEndpoint.id), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(catalog.endpoints.endpoints.has(siblingEndpoint.id)).toBe(true);
  });
});
