import {
  CreateEndpointCommand,
  CreateEndpointHandler,
  CreateEventTypeCommand,
  CreateEventTypeHandler,
  DeleteApplicationCommand,
  DeleteApplicationHandler,
  DeleteEndpointCommand,
  DeleteEndpointHandler,
  DeleteEventTypeCommand,
  DeleteEventTypeHandler,
  GetApplicationHandler,
  GetApplicationQuery,
  GetEndpointHandler,
  GetEndpointQuery,
  GetEventTypeHandler,
  GetEventTypeQuery,
  GetMessageHandler,
  GetMessageQuery,
  ListAttemptsHandler,
  ListAttemptsQuery,
  ListEndpointsHandler,
  ListEndpointsQuery,
  ListEventTypesHandler,
  ListEventTypesQuery,
  ListMessagesHandler,
  ListMessagesQuery,
  SendMessageCommand,
  SendMessageHandler,
  UpdateApplicationCommand,
  UpdateApplicationHandler,
  UpdateEndpointCommand,
  UpdateEndpointHandler,
  UpdateEventTypeCommand,
  UpdateEventTypeHandler,
} from '../src';
import { ACTOR, asPigeonError, Catalog, OTHER_ORG_ACTOR, rejectionOf, sendAudit } from './builders';

const PAGE = { offset: 0, limit: 20 };

interface ForeignData {
  appId: string;
  eventTypeId: string;
  endpointId: string;
  messageId: string;
}

type Invocation = (catalog: Catalog, foreign: ForeignData) => Promise<unknown>;

/** Every handler that takes an `appId`, called by an actor of org B on an application of org A. */
const INVOCATIONS: [string, Invocation][] = [
  ['get application', (c, f) => new GetApplicationHandler(c.applications).execute(new GetApplicationQuery(f.appId), OTHER_ORG_ACTOR)],
  [
    'update application',
    (c, f) => new UpdateApplicationHandler(c.applications).execute(new UpdateApplicationCommand(f.appId, 'Stolen', 1), OTHER_ORG_ACTOR),
  ],
  [
    'delete application',
    (c, f) => new DeleteApplicationHandler(c.applications).execute(new DeleteApplicationCommand(f.appId), OTHER_ORG_ACTOR),
  ],
  [
    'create event type',
    (c, f) =>
      new CreateEventTypeHandler(c.applications, c.eventTypes, c.clock).execute(
        new CreateEventTypeCommand(f.appId, 'planted.event', null),
        OTHER_ORG_ACTOR,
      ),
  ],
  [
    'get event type',
    (c, f) =>
      new GetEventTypeHandler(c.applications, c.eventTypes).execute(new GetEventTypeQuery(f.appId, f.eventTypeId), OTHER_ORG_ACTOR),
  ],
  [
    'list event types',
    (c, f) => new ListEventTypesHandler(c.applications, c.eventTypes).execute(new ListEventTypesQuery(f.appId, PAGE), OTHER_ORG_ACTOR),
  ],
  [
    'update event type',
    (c, f) =>
      new UpdateEventTypeHandler(c.applications, c.eventTypes).execute(
        new UpdateEventTypeCommand(f.appId, f.eventTypeId, 'renamed', undefined, 1),
        OTHER_ORG_ACTOR,
      ),
  ],
  [
    'delete event type',
    (c, f) =>
      new DeleteEventTypeHandler(c.applications, c.eventTypes).execute(
        new DeleteEventTypeCommand(f.appId, f.eventTypeId),
        OTHER_ORG_ACTOR,
      ),
  ],
  [
    'create endpoint',
    (c, f) =>
      new CreateEndpointHandler(c.applications, c.eventTypes, c.endpoints, c.clock).execute(
        new CreateEndpointCommand(f.appId, 'Planted', 'https://attacker.example.com/hook', [f.eventTypeId]),
        OTHER_ORG_ACTOR,
      ),
  ],
  [
    'get endpoint',
    (c, f) => new GetEndpointHandler(c.applications, c.endpoints).execute(new GetEndpointQuery(f.appId, f.endpointId), OTHER_ORG_ACTOR),
  ],
  [
    'list endpoints',
    (c, f) => new ListEndpointsHandler(c.applications, c.endpoints).execute(new ListEndpointsQuery(f.appId, PAGE), OTHER_ORG_ACTOR),
  ],
  [
    'update endpoint',
    (c, f) =>
      new UpdateEndpointHandler(c.applications, c.eventTypes, c.endpoints).execute(
        new UpdateEndpointCommand(f.appId, f.endpointId, 'https://attacker.example.com/hook', [], 1, null, null),
        OTHER_ORG_ACTOR,
      ),
  ],
  [
    'delete endpoint',
    (c, f) =>
      new DeleteEndpointHandler(c.applications, c.endpoints).execute(new DeleteEndpointCommand(f.appId, f.endpointId), OTHER_ORG_ACTOR),
  ],
  [
    'send message',
    (c, f) =>
      new SendMessageHandler(c.messages, c.clock, { idempotencyTtlSeconds: 86_400 }).execute(
        new SendMessageCommand(f.appId, f.eventTypeId, '{"planted":true}', null),
        OTHER_ORG_ACTOR,
        sendAudit(OTHER_ORG_ACTOR),
      ),
  ],
  [
    'get message',
    (c, f) => new GetMessageHandler(c.applications, c.messages).execute(new GetMessageQuery(f.appId, f.messageId), OTHER_ORG_ACTOR),
  ],
  [
    'list messages',
    (c, f) =>
      new ListMessagesHandler(c.applications, c.messages).execute(
        new ListMessagesQuery(f.appId, PAGE, { eventTypeId: null, status: null }),
        OTHER_ORG_ACTOR,
      ),
  ],
  [
    'list attempts',
    (c, f) => new ListAttemptsHandler(c.applications, c.messages).execute(new ListAttemptsQuery(f.appId, f.messageId), OTHER_ORG_ACTOR),
  ],
];

async function seedForeignApplication(catalog: Catalog): Promise<ForeignData> {
  const { application } = await catalog.anApplication(ACTOR.orgId);
  const eventType = await catalog.anEventType(application.id);
  const endpoint = await catalog.anEndpoint(application.id, [eventType.id]);
  const { message } = await new SendMessageHandler(catalog.messages, catalog.clock, {
    idempotencyTtlSeconds: 86_400,
  }).execute(new SendMessageCommand(application.id, eventType.id, '{"id":1}', null), ACTOR, sendAudit(ACTOR));

  return { appId: application.id, eventTypeId: eventType.id, endpointId: endpoint.id, messageId: message.id };
}

/** Everything the repositories hold, to prove a rejected call changed nothing. */
function snapshot(catalog: Catalog): unknown {
  return {
    applications: [...catalog.applications.applications.values()],
    eventTypes: [...catalog.eventTypes.eventTypes.values()],
    endpoints: [...catalog.endpoints.endpoints.values()],
    messages: [...catalog.messages.messages.values()],
    attempts: [...catalog.messages.attempts],
  };
}

describe('handlers on an application of another organization', () => {
  it.each(INVOCATIONS)('%s reports not found', async (_name, invoke) => {
    const catalog = new Catalog();
    const foreign = await seedForeignApplication(catalog);

    const error = await rejectionOf(invoke(catalog, foreign));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(asPigeonError(error).message).toBe('not found');
  });

  it.each(INVOCATIONS)('%s changes nothing', async (_name, invoke) => {
    const catalog = new Catalog();
    const foreign = await seedForeignApplication(catalog);
    const before = snapshot(catalog);

    await rejectionOf(invoke(catalog, foreign));

    expect(snapshot(catalog)).toEqual(before);
  });
});
