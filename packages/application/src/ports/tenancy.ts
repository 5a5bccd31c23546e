import type { OidcConfig, Organization } from '@pigeon/domain';

import type { Page, PageRequest } from './pagination';

/**
 * Organizations as the admin API and the OIDC config commands manage them,
 * beside the start-up lookups of `OrganizationRepository`. Writes run inside the
 * command's transaction. `update` writes only when the stored version equals
 * `expectedVersion` and throws a version conflict otherwise.
 */
export abstract class OrganizationRegistry {
  /** Inserts the organization with its first OIDC config. Throws a validation error when the slug or the issuer and audience pair is taken. */
  abstract insert(organization: Organization, firstOidcConfig: OidcConfig): Promise<void>;
  abstract findById(id: string): Promise<Organization | null>;
  abstract findBySlug(slug: string): Promise<Organization | null>;
  /** All organizations, newest first. */
  abstract list(page: PageRequest): Promise<Page<Organization>>;
  abstract update(organization: Organization, expectedVersion: number): Promise<void>;
  /**
   * Loads the organization and keeps it locked until the transaction ends, so no
   * application or OIDC config is added or removed while a delete checks them.
   */
  abstract lockById(id: string): Promise<Organization | null>;
  abstract countApplications(orgId: string): Promise<number>;
  /** Deletes the organization together with its OIDC configs and applications. */
  abstract delete(id: string): Promise<boolean>;
}

/** OIDC configs, always read and written within one named organization. */
export abstract class OidcConfigRegistry {
  /** Throws a validation error when another config already has the issuer and audience pair. */
  abstract insert(config: OidcConfig): Promise<void>;
  abstract findInOrg(orgId: string, id: string): Promise<OidcConfig | null>;
  /** The organization's configs, newest first. */
  abstract listInOrg(orgId: string, page: PageRequest): Promise<Page<OidcConfig>>;
  abstract findNewestInOrg(orgId: string): Promise<OidcConfig | null>;
  abstract countInOrg(orgId: string): Promise<number>;
  abstract delete(orgId: string, id: string): Promise<boolean>;
}

/** One row of the audit log as the API shows it. */
export interface AuditRecord {
  readonly id: string;
  readonly commandName: string;
  readonly actor: string;
  readonly timestamp: Date;
  readonly success: boolean;
  readonly errorMessage: string | null;
}

export interface AuditLogFilters {
  /** Case-insensitive substring of the command name, with `%` and `_` matched literally, or null for every command. */
  readonly command: string | null;
  readonly success: boolean | null;
}

export abstract class AuditLogReader {
  /** The organization's audit rows, newest first. */
  abstract listInOrg(orgId: string, page: PageRequest, filters: AuditLogFilters): Promise<Page<AuditRecord>>;
}
