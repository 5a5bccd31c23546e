import {
  GetApplicationStatsHandler,
  GetApplicationStatsQuery,
  GetEndpointStatsHandler,
  GetEndpointStatsQuery,
  GetEventTypeStatsHandler,
  GetEventTypeStatsQuery,
  parseStatsPeriod,
} from '../src';
import { ACTOR, asPigeonError, Catalog, OTHER_ORG_ACTOR, rejectionOf } from './builders';
import { FakeStatsReader, NO_DELIVERIES } from './fakes/stats';

describe('parseStatsPeriod', () => {
  it.each([
    [undefined, '24h'],
    ['', '24h'],
    ['24h', '24h'],
    ['7d', '7d'],
    ['30d', '30d'],
  ])('reads %p as %s', (raw, period) => {
    expect(parseStatsPeriod(raw)).toBe(period);
  });

  it.each([['1y'], ['7D'], [' 7d'], [['7d', '30d']]])('rejects %p', (raw) => {
    const error = asPigeonError(captureError(() => parseStatsPeriod(raw)));

    expect(error.code).toBe('validation_failed');
    expect(error.message).toBe('validation error: period must be one of 24h, 7d, 30d');
  });
});

describe('GetApplicationStatsHandler', () => {
  it('reads the stats of the period asked for', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const reader = new FakeStatsReader();
    const sut = new GetApplicationStatsHandler(catalog.applications, reader);

    await sut.execute(new GetApplicationStatsQuery(application.id, '7d'), ACTOR);

    expect(reader.reads).toEqual([['application', application.id, '7d']]);
  });

  it('divides succeeded by all attempts', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const reader = new FakeStatsReader();
    reader.counts = { ...NO_DELIVERIES, totalAttempts: 8, totalSucceeded: 2, totalFailed: 3 };
    const sut = new GetApplicationStatsHandler(catalog.applications, reader);

    const stats = await sut.execute(new GetApplicationStatsQuery(application.id, '24h'), ACTOR);

    expect(stats.successRate).toBe(0.25);
  });

  it('reports a success rate of 0 without attempts', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new GetApplicationStatsHandler(catalog.applications, new FakeStatsReader());

    const stats = await sut.execute(new GetApplicationStatsQuery(application.id, '24h'), ACTOR);

    expect(stats.successRate).toBe(0);
  });

  it('hides an application of another organization', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const reader = new FakeStatsReader();
    const sut = new GetApplicationStatsHandler(catalog.applications, reader);

    const error = await rejectionOf(sut.execute(new GetApplicationStatsQuery(application.id, '24h'), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(reader.reads).toEqual([]);
  });
});

describe('GetEventTypeStatsHandler', () => {
  it('lists the ten newest messages', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id);
    const reader = new FakeStatsReader();
    const sut = new GetEventTypeStatsHandler(catalog.applications, catalog.eventTypes, reader);

    await sut.execute(new GetEventTypeStatsQuery(application.id, eventType.id, '30d'), ACTOR);

    expect(reader.reads).toEqual([['event type', application.id, eventType.id, '30d', 10]]);
  });

  it('includes the hidden test event type', async () => {
    const catalog = new Catalog();
    const { application, testEventType } = await catalog.anApplication(ACTOR.orgId);
    const sut = new GetEventTypeStatsHandler(catalog.applications, catalog.eventTypes, new FakeStatsReader());

    const stats = await sut.execute(new GetEventTypeStatsQuery(application.id, testEventType.id, '24h'), ACTOR);

    expect(stats.totalAttempts).toBe(0);
  });

  it('hides an event type of another application', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const { application: other } = await catalog.anApplication(ACTOR.orgId, 'other');
    const eventType = await catalog.anEventType(other.id);
    const reader = new FakeStatsReader();
    const sut = new GetEventTypeStatsHandler(catalog.applications, catalog.eventTypes, reader);

    const error = await rejectionOf(sut.execute(new GetEventTypeStatsQuery(application.id, eventType.id, '24h'), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(reader.reads).toEqual([]);
  });

  it('hides an application of another organization', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const eventType = await catalog.anEventType(application.id);
    const sut = new GetEventTypeStatsHandler(catalog.applications, catalog.eventTypes, new FakeStatsReader());

    const error = await rejectionOf(sut.execute(new GetEventTypeStatsQuery(application.id, eventType.id, '24h'), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('GetEndpointStatsHandler', () => {
  it('reads the stats of the endpoint', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const endpoint = await catalog.anEndpoint(application.id, []);
    const reader = new FakeStatsReader();
    const sut = new GetEndpointStatsHandler(catalog.applications, catalog.endpoints, reader);

    await sut.execute(new GetEndpointStatsQuery(application.id, endpoint.id, '7d'), ACTOR);

    expect(reader.reads).toEqual([['endpoint', endpoint.id, '7d']]);
  });

  it('hides an endpoint of another application', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const { application: other } = await catalog.anApplication(ACTOR.orgId, 'other');
    const endpoint = await catalog.anEndpoint(other.id, []);
    const reader = new FakeStatsReader();
    const sut = new GetEndpointStatsHandler(catalog.applications, catalog.endpoints, reader);

    const error = await rejectionOf(sut.execute(new GetEndpointStatsQuery(application.id, endpoint.id, '24h'), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(reader.reads).toEqual([]);
  });

  it('hides an application of another organization', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const endpoint = await catalog.anEndpoint(application.id, []);
    const sut = new GetEndpointStatsHandler(catalog.applications, catalog.endpoints, new FakeStatsReader());

    const error = await rejectionOf(sut.execute(new GetEndpointStatsQuery(application.id, endpoint.id, '24h'), OTHER_ORG_ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('expected the call to throw, but it returned');
}
