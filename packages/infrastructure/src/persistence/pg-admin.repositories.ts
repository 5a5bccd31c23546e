import {
  type AuditLogFilters,
  AuditLogReader,
  type AuditRecord,
  OidcConfigRegistry,
  OrganizationRegistry,
  type Page,
  type PageRequest,
} from '@pigeon/application';
import { type OidcConfig, type Organization, PigeonError } from '@pigeon/domain';

import {
  likePattern,
  type OidcConfigRow,
  type OrganizationRow,
  toAuditRecord,
  toOidcConfig,
  toOrganization,
} from './mappers';
import { OIDC_CONFIGS_TABLE } from './pg-tenancy.repositories';
import type { DatabaseContext } from './transaction-context';

interface CountRow {
  total: string;
}

/** Runs a list query and its count with the same filter parameters. */
async function page<Row, T>(
  db: DatabaseContext,
  sql: { list: string; count: string },
  parameters: unknown[],
  request: PageRequest,
  map: (row: Row) => T,
): Promise<Page<T>> {
  const n = parameters.length;
  const [rows, counts] = await Promise.all([
    db.query<Row>(`${sql.list} LIMIT $${n + 1} OFFSET $${n + 2}`, [...parameters, request.limit, request.offset]),
    db.query<CountRow>(sql.count, parameters),
  ]);

  return { items: rows.map(map), total: Number(counts[0]?.total ?? 0), offset: request.offset, limit: request.limit };
}

async function insertOidcConfig(db: DatabaseContext, config: OidcConfig): Promise<void> {
  await db.query(
    `INSERT INTO oidc_configs (id, org_id, issuer_url, audience, jwks_url, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [config.id, config.orgId, config.issuerUrl, config.audience, config.jwksUrl, config.createdAt, config.version],
  );
  db.changed(OIDC_CONFIGS_TABLE);
}

export class PgOrganizationRegistry extends OrganizationRegistry {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  insert(organization: Organization, firstOidcConfig: OidcConfig): Promise<void> {
    return this.db.runInTransaction(async () => {
      await this.db.query(`INSERT INTO organizations (id, name, slug, created_at, version) VALUES ($1, $2, $3, $4, $5)`, [
        organization.id,
        organization.name,
        organization.slug,
        organization.createdAt,
        organization.version,
      ]);
      await insertOidcConfig(this.db, firstOidcConfig);
    });
  }

  async findById(id: string): Promise<Organization | null> {
    const rows = await this.db.query<OrganizationRow>(`SELECT * FROM organizations WHERE id = $1`, [id]);

    return rows[0] ? toOrganization(rows[0]) : null;
  }

  async findBySlug(slug: string): Promise<Organization | null> {
    const rows = await this.db.query<OrganizationRow>(`SELECT * FROM organizations WHERE slug = $1`, [slug]);

    return rows[0] ? toOrganization(rows[0]) : null;
  }

  list(request: PageRequest): Promise<Page<Organization>> {
    return page(
      this.db,
      {
        list: `SELECT * FROM organizations ORDER BY created_at DESC, id`,
        count: `SELECT count(*) AS total FROM organizations`,
      },
      [],
      request,
      toOrganization,
    );
  }

  async update(organization: Organization, expectedVersion: number): Promise<void> {
    const affected = await this.db.execute(`UPDATE organizations SET name = $1, version = $2 WHERE id = $3 AND version = $4`, [
      organization.name,
      organization.version,
      organization.id,
      expectedVersion,
    ]);
    if (affected !== 1) {
      throw PigeonError.versionConflict();
    }
  }

  async lockById(id: string): Promise<Organization | null> {
    // FOR UPDATE conflicts with the key-share lock that inserting a referencing
    // application or OIDC config takes, so none can appear while the lock is held.
    const rows = await this.db.query<OrganizationRow>(`SELECT * FROM organizations WHERE id = $1 FOR UPDATE`, [id]);

    return rows[0] ? toOrganization(rows[0]) : null;
  }

  async countApplications(orgId: string): Promise<number> {
    const rows = await this.db.query<CountRow>(`SELECT count(*) AS total FROM applications WHERE org_id = $1`, [orgId]);

    return Number(rows[0]?.total ?? 0);
  }

  async delete(id: string): Promise<boolean> {
    const deleted = (await this.db.execute(`DELETE FROM organizations WHERE id = $1`, [id])) === 1;
    // The organization's OIDC configs went with it.
    this.db.changed(OIDC_CONFIGS_TABLE);

    return deleted;
  }
}

export class PgOidcConfigRegistry extends OidcConfigRegistry {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  insert(config: OidcConfig): Promise<void> {
    return insertOidcConfig(this.db, config);
  }

  async findInOrg(orgId: string, id: string): Promise<OidcConfig | null> {
    const rows = await this.db.query<OidcConfigRow>(`SELECT * FROM oidc_configs WHERE id = $1 AND org_id = $2`, [id, orgId]);

    return rows[0] ? toOidcConfig(rows[0]) : null;
  }

  listInOrg(orgId: string, request: PageRequest): Promise<Page<OidcConfig>> {
    return page(
      this.db,
      {
        list: `SELECT * FROM oidc_configs WHERE org_id = $1 ORDER BY created_at DESC, id`,
        count: `SELECT count(*) AS total FROM oidc_configs WHERE org_id = $1`,
      },
      [orgId],
      request,
      toOidcConfig,
    );
  }

  async findNewestInOrg(orgId: string): Promise<OidcConfig | null> {
    const rows = await this.db.query<OidcConfigRow>(
      `SELECT * FROM oidc_configs WHERE org_id = $1 ORDER BY created_at DESC, id LIMIT 1`,
      [orgId],
    );

    return rows[0] ? toOidcConfig(rows[0]) : null;
  }

  async countInOrg(orgId: string): Promise<number> {
    const rows = await this.db.query<CountRow>(`SELECT count(*) AS total FROM oidc_configs WHERE org_id = $1`, [orgId]);

    return Number(rows[0]?.total ?? 0);
  }

  async delete(orgId: string, id: string): Promise<boolean> {
    const deleted = (await this.db.execute(`DELETE FROM oidc_configs WHERE id = $1 AND org_id = $2`, [id, orgId])) === 1;
    this.db.changed(OIDC_CONFIGS_TABLE);

    return deleted;
  }
}

export class PgAuditLogReader extends AuditLogReader {
  constructor(private readonly db: DatabaseContext) {
    super();
  }

  listInOrg(orgId: string, request: PageRequest, filters: AuditLogFilters): Promise<Page<AuditRecord>> {
    const conditions = ['org_id = $1'];
    const parameters: unknown[] = [orgId];

    if (filters.command !== null && filters.command !== '') {
      parameters.push(likePattern(filters.command));
      conditions.push(`command_name ILIKE $${parameters.length}`);
    }
    if (filters.success !== null) {
      parameters.push(filters.success);
      conditions.push(`success = $${parameters.length}`);
    }

    const where = conditions.join(' AND ');

    return page(
      this.db,
      {
        list: `SELECT id, command_name, actor, timestamp, success, error_message FROM audit_log WHERE ${where} ORDER BY timestamp DESC, id`,
        count: `SELECT count(*) AS total FROM audit_log WHERE ${where}`,
      },
      parameters,
      request,
      toAuditRecord,
    );
  }
}
