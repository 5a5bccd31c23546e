import {
  CreateApplicationCommand,
  CreateApplicationHandler,
  DeleteApplicationCommand,
  DeleteApplicationHandler,
  GetApplicationHandler,
  GetApplicationQuery,
  ListApplicationsHandler,
  ListApplicationsQuery,
  UpdateApplicationCommand,
  UpdateApplicationHandler,
} from '../src';
import { ACTOR, asPigeonError, Catalog, OTHER_ORG_ACTOR, rejectionOf } from './builders';

describe('CreateApplicationHandler', () => {
  it('stores the application in the caller organization', async () => {
    const catalog = new Catalog();
    const sut = new CreateApplicationHandler(catalog.applications, catalog.clock);

    const application = await sut.execute(new CreateApplicationCommand('Billing', 'billing'), ACTOR);

    expect(application.orgId).toBe('org-a');
    expect(application.version).toBe(1);
    expect(application.createdAt).toEqual(catalog.clock.now());
    expect(catalog.applications.applications.get(application.id)).toEqual(application);
  });

  it('stores the hidden test event type with it', async () => {
    const catalog = new Catalog();
    const sut = new CreateApplicationHandler(catalog.applications, catalog.clock);

    const application = await sut.execute(new CreateApplicationCommand('Billing', 'billing'), ACTOR);

    const stored = [...catalog.eventTypes.eventTypes.values()].filter((eventType) => eventType.appId === application.id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.name).toBe('pigeon.test');
    expect(stored[0]!.system).toBe(true);
  });
});

describe('GetApplicationHandler', () => {
  it('returns an application of the caller organization', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new GetApplicationHandler(catalog.applications);

    const found = await sut.execute(new GetApplicationQuery(application.id), ACTOR);

    expect(found).toEqual(application);
  });

  it('reports an unknown id as not found', async () => {
    const catalog = new Catalog();
    const sut = new GetApplicationHandler(catalog.applications);

    const error = await rejectionOf(sut.execute(new GetApplicationQuery('missing-app'), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('ListApplicationsHandler', () => {
  it('lists only applications of the caller organization', async () => {
    const catalog = new Catalog();
    const { application: own } = await catalog.anApplication(ACTOR.orgId, 'own');
    await catalog.anApplication(OTHER_ORG_ACTOR.orgId, 'foreign');
    const sut = new ListApplicationsHandler(catalog.applications);

    const page = await sut.execute(new ListApplicationsQuery({ offset: 0, limit: 20 }, null), ACTOR);

    expect(page.items).toEqual([own]);
    expect(page.total).toBe(1);
  });
});

describe('UpdateApplicationHandler', () => {
  it('renames and returns the version after the write', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new UpdateApplicationHandler(catalog.applications);

    const updated = await sut.execute(new UpdateApplicationCommand(application.id, 'Invoicing', 1), ACTOR);

    expect(updated.name).toBe('Invoicing');
    expect(updated.version).toBe(2);
    expect(catalog.applications.applications.get(application.id)).toEqual(updated);
  });

  it('rejects a stale version', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new UpdateApplicationHandler(catalog.applications);
    await sut.execute(new UpdateApplicationCommand(application.id, 'Invoicing', 1), ACTOR);

    const error = await rejectionOf(sut.execute(new UpdateApplicationCommand(application.id, 'Payments', 1), ACTOR));

    expect(asPigeonError(error).code).toBe('version_conflict');
    expect(catalog.applications.applications.get(application.id)!.name).toBe('Invoicing');
  });
});

describe('DeleteApplicationHandler', () => {
  it('deletes an application of the caller organization', async () => {
    const catalog = new Catalog();
    const { application } = await catalog.anApplication(ACTOR.orgId);
    const sut = new DeleteApplicationHandler(catalog.applications);

    await sut.execute(new DeleteApplicationCommand(application.id), ACTOR);

    expect(catalog.applications.applications.has(application.id)).toBe(false);
  });

  it('reports an unknown id as not found', async () => {
    const catalog = new Catalog();
    const sut = new DeleteApplicationHandler(catalog.applications);

    const error = await rejectionOf(sut.execute(new DeleteApplicationCommand('missing-app'), ACTOR));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});
