import type { AuditRecord, AuthConfig } from '@pigeon/application';
import type { OidcConfig, Organization } from '@pigeon/domain';

// Each presenter names its fields, so a column added later (a secret, say) stays out of responses until one names it.

export function organizationResponse(organization: Organization) {
  return {
    id: organization.id,
    name: organization.name,
    slug: organization.slug,
    created_at: organization.createdAt.toISOString(),
    version: organization.version,
  };
}

export function oidcConfigResponse(config: OidcConfig) {
  return {
    id: config.id,
    org_id: config.orgId,
    issuer_url: config.issuerUrl,
    audience: config.audience,
    jwks_url: config.jwksUrl,
    created_at: config.createdAt.toISOString(),
    version: config.version,
  };
}

export function auditLogResponse(record: AuditRecord) {
  return {
    id: record.id,
    command_name: record.commandName,
    actor: record.actor,
    timestamp: record.timestamp.toISOString(),
    success: record.success,
    error_message: record.errorMessage,
  };
}

export function authConfigResponse(config: AuthConfig) {
  return { issuer_url: config.issuerUrl, audience: config.audience };
}
