import { type AuditEntry, AuditLog, OidcConfigRepository, OrganizationRepository } from '@pigeon/application';
import type { OidcConfig, Organization } from '@pigeon/domain';

import { type OidcConfigRow, type OrganizationRow, toOidcConfig, toOrganization } from './mappers';
import type { DatabaseContext } from './transaction-context';

export class PgOrganizationRepository extends OrganizationRepository {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  bootstrap(organization: Organization, oidcConfig: OidcConfig): Promise<boolean> {
    return this.db.runInTransaction(async () => {
      // Serialises concurrent start-ups (api replicas) so only one creates the organization.
      await this.db.query(`SELECT pg_advisory_xact_lock(hashtext('pigeon.bootstrap'))`);
      const existing = await this.db.query<{ exists: boolean }>(`SELECT EXISTS (SELECT 1 FROM organizations) AS exists`);
      if (existing[0]?.exists) {
        return false;
      }

      await this.db.query(`INSERT INTO organizations (id, name, slug, created_at, version) VALUES ($1, $2, $3, $4, $5)`, [
        organization.id,
        organization.name,
        organization.slug,
        organization.createdAt,
        organization.version,
      ]);
      await this.db.query(
        `INSERT INTO oidc_configs (id, org_id, issuer_url, audience, jwks_url, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          oidcConfig.id,
          organization.id,
          oidcConfig.issuerUrl,
          oidcConfig.audience,
          oidcConfig.jwksUrl,
          oidcConfig.createdAt,
          oidcConfig.version,
        ],
      );
      this.db.changed(OIDC_CONFIGS_TABLE);

      return true;
    });
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    const rows = await this.db.query<OrganizationRow>(`SELECT * FROM organizations WHERE slug = $1`, [slug]);

    return rows[0] ? toOrganization(rows[0]) : null;
  }
}

/** The OIDC configs table, which every authenticated request reads. */
export const OIDC_CONFIGS_TABLE = 'oidc_configs';

/** Most issuers whose configs are kept in memory at once. */
const MAX_CACHED_ISSUERS = 1000;

/**
 * Reads OIDC configs for token checks. The configs of known issuers are kept
 * for `cacheTtlMs`. They are dropped at once when this process changes any
 * config, and another process's change shows within that time. An issuer
 * without configs is never kept, so a new issuer works at once everywhere.
 */
export class PgOidcConfigRepository extends OidcConfigRepository {
  private readonly byIssuer = new Map<string, { configs: OidcConfig[]; fetchedAt: number }>();

  constructor(
    private readonly db: DatabaseContext,
    private readonly cacheTtlMs = 5000,
  ) {
    super();
    db.onChange(OIDC_CONFIGS_TABLE, () => this.byIssuer.clear());
  }

  async findByIssuer(issuerUrl: string): Promise<OidcConfig[]> {
    const now = Date.now();
    const cached = this.byIssuer.get(issuerUrl);
    if (cached !== undefined && now - cached.fetchedAt < this.cacheTtlMs) {
      return cached.configs;
    }

    const rows = await this.db.query<OidcConfigRow>(`SELECT * FROM oidc_configs WHERE issuer_url = $1 ORDER BY created_at`, [
      issuerUrl,
    ]);
    const configs = rows.map(toOidcConfig);
    if (configs.length === 0) {
      this.byIssuer.delete(issuerUrl);
    } else {
      if (this.byIssuer.size >= MAX_CACHED_ISSUERS) {
        this.byIssuer.clear();
      }
      this.byIssuer.set(issuerUrl, { configs, fetchedAt: now });
    }

    return configs;
  }
}

export class PgAuditLog extends AuditLog {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (command_name, actor, org_id, timestamp, success, error_message) VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.commandName, entry.actor, entry.orgId, entry.timestamp, entry.success, entry.errorMessage],
    );
  }
}
