import { createOidcConfig, createOrganization, type OidcConfig, type Organization } from '@pigeon/domain';

import {
  type Actor,
  CreateOidcConfigCommand,
  CreateOidcConfigHandler,
  CreateOrganizationCommand,
  CreateOrganizationHandler,
  DeleteOidcConfigCommand,
  DeleteOidcConfigHandler,
  DeleteOrganizationCommand,
  DeleteOrganizationHandler,
  GetAuthConfigHandler,
  GetAuthConfigQuery,
  GetOidcConfigHandler,
  GetOidcConfigQuery,
  ListOidcConfigsHandler,
  ListOidcConfigsQuery,
  UpdateOrganizationCommand,
  UpdateOrganizationHandler,
} from '../src';
import { asPigeonError, rejectionOf } from './builders';
import { FakeClock } from './fakes';
import { InMemoryOidcConfigRegistry, InMemoryOrganizationRegistry } from './fakes/tenancy';

/** The in-memory registries of one test, with an admin organization already stored. */
class Tenancy {
  readonly clock = new FakeClock();
  readonly oidcConfigs = new InMemoryOidcConfigRegistry();
  readonly organizations = new InMemoryOrganizationRegistry(this.oidcConfigs);
  admin!: Organization;
  adminActor!: Actor;

  static async create(): Promise<Tenancy> {
    const tenancy = new Tenancy();
    tenancy.admin = (await tenancy.anOrganization('system')).organization;
    tenancy.adminActor = { orgId: tenancy.admin.id, subject: 'admin@example.com' };

    return tenancy;
  }

  async anOrganization(slug: string): Promise<{ organization: Organization; config: OidcConfig }> {
    const organization = createOrganization({ name: slug, slug, now: this.clock.now() });
    const config = this.aConfig(organization.id, `https://${slug}.example.com`);
    await this.organizations.insert(organization, config);

    return { organization, config };
  }

  /** Stores a further config one second after the previous one, so "newest" is well defined. */
  async anotherConfig(orgId: string, issuerUrl: string): Promise<OidcConfig> {
    this.clock.advance(1000);
    const config = this.aConfig(orgId, issuerUrl);
    await this.oidcConfigs.insert(config);

    return config;
  }

  private aConfig(orgId: string, issuerUrl: string): OidcConfig {
    return createOidcConfig({ orgId, issuerUrl, audience: 'pigeon', jwksUrl: `${issuerUrl}/keys`, now: this.clock.now() });
  }
}

describe('CreateOrganizationHandler', () => {
  it('stores the organization with its first OIDC config', async () => {
    const tenancy = await Tenancy.create();
    const sut = new CreateOrganizationHandler(tenancy.organizations, tenancy.clock);

    const command = new CreateOrganizationCommand('Acme', 'acme', 'https://login.acme.example', 'pigeon', 'https://login.acme.example/keys');
    const organization = await sut.execute(command);

    expect(organization).toMatchObject({ name: 'Acme', slug: 'acme', version: 1 });
    expect(tenancy.organizations.organizations.get(organization.id)).toEqual(organization);
    const configs = await tenancy.oidcConfigs.listInOrg(organization.id, { offset: 0, limit: 20 });
    expect(configs.items.map((config) => config.issuerUrl)).toEqual(['https://login.acme.example']);
  });

  it('validates the organization before its OIDC config', async () => {
    const tenancy = await Tenancy.create();
    const sut = new CreateOrganizationHandler(tenancy.organizations, tenancy.clock);

    const error = await rejectionOf(sut.execute(new CreateOrganizationCommand('Acme', 'Bad Slug', '', '', '')));

    expect(asPigeonError(error).message).toBe('validation error: organization slug contains invalid characters');
  });
});

describe('UpdateOrganizationHandler', () => {
  it('renames and returns the version after the write', async () => {
    const tenancy = await Tenancy.create();
    const { organization } = await tenancy.anOrganization('acme');
    const sut = new UpdateOrganizationHandler(tenancy.organizations);

    const updated = await sut.execute(new UpdateOrganizationCommand(organization.id, 'Acme Corp', 1));

    expect(updated).toMatchObject({ name: 'Acme Corp', slug: 'acme', version: 2 });
    expect(tenancy.organizations.organizations.get(organization.id)).toEqual(updated);
  });

  it('rejects a stale version before a blank name', async () => {
    const tenancy = await Tenancy.create();
    const { organization } = await tenancy.anOrganization('acme');
    const sut = new UpdateOrganizationHandler(tenancy.organizations);

    const error = await rejectionOf(sut.execute(new UpdateOrganizationCommand(organization.id, ' ', 5)));

    expect(asPigeonError(error).code).toBe('version_conflict');
  });

  it('reports an unknown organization as not found', async () => {
    const tenancy = await Tenancy.create();
    const sut = new UpdateOrganizationHandler(tenancy.organizations);

    const error = await rejectionOf(sut.execute(new UpdateOrganizationCommand('missing-org', 'Acme', 1)));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('DeleteOrganizationHandler', () => {
  it('deletes an organization without applications, with its configs', async () => {
    const tenancy = await Tenancy.create();
    const { organization, config } = await tenancy.anOrganization('acme');
    const sut = new DeleteOrganizationHandler(tenancy.organizations);

    await sut.execute(new DeleteOrganizationCommand(organization.id), tenancy.adminActor);

    expect(tenancy.organizations.organizations.has(organization.id)).toBe(false);
    expect(tenancy.oidcConfigs.configs.has(config.id)).toBe(false);
    expect(tenancy.organizations.locked).toEqual([organization.id]);
  });

  it('refuses while applications remain', async () => {
    const tenancy = await Tenancy.create();
    const { organization } = await tenancy.anOrganization('acme');
    tenancy.organizations.applicationCounts.set(organization.id, 1);
    const sut = new DeleteOrganizationHandler(tenancy.organizations);

    const error = await rejectionOf(sut.execute(new DeleteOrganizationCommand(organization.id), tenancy.adminActor));

    expect(asPigeonError(error).code).toBe('conflict');
    expect(asPigeonError(error).message).toBe('organization still has 1 application; delete them first');
    expect(tenancy.organizations.organizations.has(organization.id)).toBe(true);
  });

  it("refuses to delete the caller's own admin organization", async () => {
    const tenancy = await Tenancy.create();
    const sut = new DeleteOrganizationHandler(tenancy.organizations);

    const error = await rejectionOf(sut.execute(new DeleteOrganizationCommand(tenancy.admin.id), tenancy.adminActor));

    expect(asPigeonError(error).message).toBe('validation error: the admin organization cannot be deleted');
    expect(tenancy.organizations.organizations.has(tenancy.admin.id)).toBe(true);
  });

  it('reports an unknown organization as not found', async () => {
    const tenancy = await Tenancy.create();
    const sut = new DeleteOrganizationHandler(tenancy.organizations);

    const error = await rejectionOf(sut.execute(new DeleteOrganizationCommand('missing-org'), tenancy.adminActor));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('CreateOidcConfigHandler', () => {
  it('adds a config to the named organization', async () => {
    const tenancy = await Tenancy.create();
    const { organization } = await tenancy.anOrganization('acme');
    const sut = new CreateOidcConfigHandler(tenancy.organizations, tenancy.oidcConfigs, tenancy.clock);

    const config = await sut.execute(new CreateOidcConfigCommand(organization.id, 'https://sso.acme.example', 'pigeon', 'https://sso.acme.example/keys'));

    expect(config).toMatchObject({ orgId: organization.id, issuerUrl: 'https://sso.acme.example', version: 1 });
    expect(await tenancy.oidcConfigs.countInOrg(organization.id)).toBe(2);
  });

  it('reports an unknown organization as not found', async () => {
    const tenancy = await Tenancy.create();
    const sut = new CreateOidcConfigHandler(tenancy.organizations, tenancy.oidcConfigs, tenancy.clock);

    const error = await rejectionOf(sut.execute(new CreateOidcConfigCommand('missing-org', 'https://sso.example', 'pigeon', 'https://sso.example/keys')));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('DeleteOidcConfigHandler', () => {
  it('deletes a config when another one remains', async () => {
    const tenancy = await Tenancy.create();
    const { organization, config } = await tenancy.anOrganization('acme');
    await tenancy.anotherConfig(organization.id, 'https://sso.acme.example');
    const sut = new DeleteOidcConfigHandler(tenancy.organizations, tenancy.oidcConfigs);

    await sut.execute(new DeleteOidcConfigCommand(organization.id, config.id));

    expect(tenancy.oidcConfigs.configs.has(config.id)).toBe(false);
    expect(tenancy.organizations.locked).toEqual([organization.id]);
  });

  it('refuses to delete the last config', async () => {
    const tenancy = await Tenancy.create();
    const { organization, config } = await tenancy.anOrganization('acme');
    const sut = new DeleteOidcConfigHandler(tenancy.organizations, tenancy.oidcConfigs);

    const error = await rejectionOf(sut.execute(new DeleteOidcConfigCommand(organization.id, config.id)));

    expect(asPigeonError(error).message).toBe('validation error: cannot delete the last OIDC config for an organization');
    expect(tenancy.oidcConfigs.configs.has(config.id)).toBe(true);
  });

  it('reports a config of another organization as not found', async () => {
    const tenancy = await Tenancy.create();
    const { organization } = await tenancy.anOrganization('acme');
    await tenancy.anotherConfig(organization.id, 'https://sso.acme.example');
    const foreign = await tenancy.anOrganization('globex');
    await tenancy.anotherConfig(foreign.organization.id, 'https://sso.globex.example');
    const sut = new DeleteOidcConfigHandler(tenancy.organizations, tenancy.oidcConfigs);

    const error = await rejectionOf(sut.execute(new DeleteOidcConfigCommand(organization.id, foreign.config.id)));

    expect(asPigeonError(error).code).toBe('not_found');
    expect(tenancy.oidcConfigs.configs.has(foreign.config.id)).toBe(true);
  });
});

describe('ListOidcConfigsHandler', () => {
  it('lists the configs of the named organization, newest first', async () => {
    const tenancy = await Tenancy.create();
    const { organization, config } = await tenancy.anOrganization('acme');
    const newer = await tenancy.anotherConfig(organization.id, 'https://sso.acme.example');
    const sut = new ListOidcConfigsHandler(tenancy.organizations, tenancy.oidcConfigs);

    const page = await sut.execute(new ListOidcConfigsQuery(organization.id, { offset: 0, limit: 20 }));

    expect(page.items).toEqual([newer, config]);
  });

  it('reports an unknown organization as not found', async () => {
    const tenancy = await Tenancy.create();
    const sut = new ListOidcConfigsHandler(tenancy.organizations, tenancy.oidcConfigs);

    const error = await rejectionOf(sut.execute(new ListOidcConfigsQuery('missing-org', { offset: 0, limit: 20 })));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('GetOidcConfigHandler', () => {
  it('reports a config of another organization as not found', async () => {
    const tenancy = await Tenancy.create();
    const { organization } = await tenancy.anOrganization('acme');
    const foreign = await tenancy.anOrganization('globex');
    const sut = new GetOidcConfigHandler(tenancy.oidcConfigs);

    const error = await rejectionOf(sut.execute(new GetOidcConfigQuery(organization.id, foreign.config.id)));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});

describe('GetAuthConfigHandler', () => {
  async function arrange(baseDomain: string | null) {
    const tenancy = await Tenancy.create();
    const acme = await tenancy.anOrganization('acme');
    const sut = new GetAuthConfigHandler(tenancy.organizations, tenancy.oidcConfigs, { baseDomain });

    return { tenancy, acme, sut };
  }

  it.each([
    ['acme.pigeon.example', 'https://acme.example.com'],
    ['acme.pigeon.example:8443', 'https://acme.example.com'],
    ['ACME.Pigeon.Example.', 'https://acme.example.com'],
    ['pigeon.example', 'https://system.example.com'],
    ['a.acme.pigeon.example', 'https://system.example.com'],
    ['acme.elsewhere.example', 'https://system.example.com'],
    ['[::1]:3000', 'https://system.example.com'],
  ])('serves %s the config of %s', async (host, issuerUrl) => {
    const { tenancy, sut } = await arrange('pigeon.example');

    const config = await sut.execute(new GetAuthConfigQuery(host, tenancy.admin.id));

    expect(config).toEqual({ issuerUrl, audience: 'pigeon' });
  });

  it('ignores subdomains without a base domain', async () => {
    const { tenancy, sut } = await arrange(null);

    const config = await sut.execute(new GetAuthConfigQuery('acme.pigeon.example', tenancy.admin.id));

    expect(config.issuerUrl).toBe('https://system.example.com');
  });

  it("returns the organization's newest config", async () => {
    const { tenancy, acme, sut } = await arrange('pigeon.example');
    await tenancy.anotherConfig(acme.organization.id, 'https://sso.acme.example');

    const config = await sut.execute(new GetAuthConfigQuery('acme.pigeon.example', tenancy.admin.id));

    expect(config.issuerUrl).toBe('https://sso.acme.example');
  });

  it('reports an unknown subdomain as not found', async () => {
    const { tenancy, sut } = await arrange('pigeon.example');

    const error = await rejectionOf(sut.execute(new GetAuthConfigQuery('nobody.pigeon.example', tenancy.admin.id)));

    expect(asPigeonError(error).message).toBe('organization not found');
  });

  it('reports a missing admin organization as not found', async () => {
    const { sut } = await arrange('pigeon.example');

    const error = await rejectionOf(sut.execute(new GetAuthConfigQuery('localhost', null)));

    expect(asPigeonError(error).code).toBe('not_found');
  });
});
