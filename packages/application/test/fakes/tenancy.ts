import { type OidcConfig, type Organization, PigeonError } from '@pigeon/domain';

import { OidcConfigRegistry, OrganizationRegistry, type Page, type PageRequest } from '../../src';

function paginate<T>(items: readonly T[], request: PageRequest): Page<T> {
  return { items: items.slice(request.offset, request.offset + request.limit), total: items.length, offset: request.offset, limit: request.limit };
}

function newestFirst<T extends { createdAt: Date }>(items: T[]): T[] {
  return [...items].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/** OIDC configs with the unique issuer and audience pair that PostgreSQL enforces. */
export class InMemoryOidcConfigRegistry extends OidcConfigRegistry {
  readonly configs = new Map<string, OidcConfig>();

  async insert(config: OidcConfig): Promise<void> {
    const pairTaken = [...this.configs.values()].some((stored) => stored.issuerUrl === config.issuerUrl && stored.audience === config.audience);
    if (pairTaken) {
      throw PigeonError.validation('An OIDC config with this issuer and audience already exists');
    }

    this.configs.set(config.id, config);
  }

  async findInOrg(orgId: string, id: string): Promise<OidcConfig | null> {
    const stored = this.configs.get(id);

    return stored !== undefined && stored.orgId === orgId ? stored : null;
  }

  async listInOrg(orgId: string, page: PageRequest): Promise<Page<OidcConfig>> {
    return paginate(newestFirst(this.inOrg(orgId)), page);
  }

  async findNewestInOrg(orgId: string): Promise<OidcConfig | null> {
    return newestFirst(this.inOrg(orgId))[0] ?? null;
  }

  async countInOrg(orgId: string): Promise<number> {
    return this.inOrg(orgId).length;
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    return (await this.findInOrg(orgId, id)) !== null && this.configs.delete(id);
  }

  private inOrg(orgId: string): OidcConfig[] {
    return [...this.configs.values()].filter((stored) => stored.orgId === orgId);
  }
}

/**
 * Organizations with a settable application count per organization. Deleting one
 * also deletes its configs, as the cascade in the schema does. `locked` records
 * which organizations a handler locked.
 */
export class InMemoryOrganizationRegistry extends OrganizationRegistry {
  readonly organizations = new Map<string, Organization>();
  readonly applicationCounts = new Map<string, number>();
  readonly locked: string[] = [];

  constructor(private readonly oidcConfigs: InMemoryOidcConfigRegistry) {
    super();
  }

  async insert(organization: Organization, firstOidcConfig: OidcConfig): Promise<void> {
    if ((await this.findBySlug(organization.slug)) !== null) {
      throw PigeonError.validation('Organization with this slug already exists');
    }

    await this.oidcConfigs.insert(firstOidcConfig);
    this.organizations.set(organization.id, organization);
  }

  async findById(id: string): Promise<Organization | null> {
    return this.organizations.get(id) ?? null;
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    return [...this.organizations.values()].find((stored) => stored.slug === slug) ?? null;
  }

  async list(page: PageRequest): Promise<Page<Organization>> {
    return paginate(newestFirst([...this.organizations.values()]), page);
  }

  async update(organization: Organization, expectedVersion: number): Promise<void> {
    if (this.organizations.get(organization.id)?.version !== expectedVersion) {
      throw PigeonError.versionConflict();
    }

    this.organizations.set(organization.id, organization);
  }

  async lockById(id: string): Promise<Organization | null> {
    this.locked.push(id);

    return this.findById(id);
  }

  async countApplications(orgId: string): Promise<number> {
    return this.applicationCounts.get(orgId) ?? 0;
  }

  async delete(id: string): Promise<boolean> {
    for (const config of [...this.oidcConfigs.configs.values()].filter((stored) => stored.orgId === id)) {
      this.oidcConfigs.configs.delete(config.id);
    }

    return this.organizations.delete(id);
  }
}
