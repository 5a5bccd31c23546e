import { PigeonError } from '@pigeon/domain';

import type { QueryHandler } from '../../mediator/command';
import type { OidcConfigRegistry, OrganizationRegistry } from '../../ports/tenancy';
import type { AuthConfig, GetAuthConfigQuery } from './get-auth-config.query';

export interface AuthConfigOptions {
  /** Domain whose subdomain `<slug>.<base domain>` serves the organization of that slug, or null to turn subdomains off. */
  readonly baseDomain: string | null;
}

/**
 * Resolves the organization a sign-in page belongs to and returns its newest
 * OIDC config. Hosts that are not exactly one label below the base domain get
 * the admin organization, which is also what a single-tenant install uses.
 */
export class GetAuthConfigHandler implements QueryHandler<GetAuthConfigQuery> {
  constructor(
    private readonly organizations: OrganizationRegistry,
    private readonly oidcConfigs: OidcConfigRegistry,
    private readonly options: AuthConfigOptions,
  ) {}

  async execute(query: GetAuthConfigQuery): Promise<AuthConfig> {
    const orgId = await this.organizationFor(query);
    if (orgId === null) {
      throw new PigeonError('not_found', 'organization not found');
    }

    const config = await this.oidcConfigs.findNewestInOrg(orgId);
    if (config === null) {
      throw new PigeonError('not_found', 'no OIDC config for this organization');
    }

    return { issuerUrl: config.issuerUrl, audience: config.audience };
  }

  private async organizationFor(query: GetAuthConfigQuery): Promise<string | null> {
    const slug = subdomainSlug(hostName(query.host), this.options.baseDomain);
    if (slug === null) {
      return query.adminOrgId;
    }

    const organization = await this.organizations.findBySlug(slug);

    return organization?.id ?? null;
  }
}

/** Extracts the lowercase host name from a `Host` header without port or trailing dot. IPv6 literals keep their brackets. */
function hostName(header: string | null): string {
  const value = (header ?? '').trim().toLowerCase();
  const host = value.startsWith('[') ? value.slice(0, value.indexOf(']') + 1) : (value.split(':')[0] ?? '');

  return host.replace(/\.$/, '');
}

function subdomainSlug(host: string, baseDomain: string | null): string | null {
  if (baseDomain === null) {
    return null;
  }

  const suffix = `.${baseDomain}`;
  if (!host.endsWith(suffix)) {
    return null;
  }

  const label = host.slice(0, -suffix.length);

  return label !== '' && !label.includes('.') ? label : null;
}
