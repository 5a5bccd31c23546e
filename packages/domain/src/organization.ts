import { PigeonError } from './errors';
import { newId } from './identifiers';
import { requireMaxLength, requireText } from './text';
import { assertVersion, INITIAL_VERSION } from './versioned';

const SLUG_PATTERN = /^[a-z0-9-]+$/;
const MAX_ORGANIZATION_NAME_LENGTH = 256;
const MAX_OIDC_FIELD_LENGTH = 2048;

export interface Organization {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly createdAt: Date;
  readonly version: number;
}

export interface OidcConfig {
  readonly id: string;
  readonly orgId: string;
  readonly issuerUrl: string;
  readonly audience: string;
  readonly jwksUrl: string;
  readonly createdAt: Date;
  readonly version: number;
}

export function createOrganization(input: { name: string; slug: string; now: Date }): Organization {
  requireOrganizationName(input.name);
  requireText(input.slug, 'organization slug must not be empty');
  requireMaxLength(input.slug, 63, 'organization slug');
  if (!SLUG_PATTERN.test(input.slug)) {
    throw PigeonError.validation('organization slug contains invalid characters');
  }

  return { id: newId(), name: input.name, slug: input.slug, createdAt: input.now, version: INITIAL_VERSION };
}

export function createOidcConfig(input: {
  orgId: string;
  issuerUrl: string;
  audience: string;
  jwksUrl: string;
  now: Date;
}): OidcConfig {
  requireText(input.issuerUrl, 'issuer URL must not be empty');
  requireText(input.audience, 'audience must not be empty');
  requireText(input.jwksUrl, 'JWKS URL must not be empty');
  requireHttpUrl(input.issuerUrl, 'issuer URL');
  requireMaxLength(input.audience, MAX_OIDC_FIELD_LENGTH, 'audience');
  requireHttpUrl(input.jwksUrl, 'JWKS URL');

  return {
    id: newId(),
    orgId: input.orgId,
    issuerUrl: input.issuerUrl,
    audience: input.audience,
    jwksUrl: input.jwksUrl,
    createdAt: input.now,
    version: INITIAL_VERSION,
  };
}

/** Renames an organization. The slug never changes, because subdomains and the admin organization are found by it. */
export function renameOrganization(organization: Organization, name: string, expectedVersion: number): Organization {
  assertVersion(organization.version, expectedVersion);
  requireOrganizationName(name);

  return { ...organization, name, version: organization.version + 1 };
}

function requireOrganizationName(name: string): void {
  requireText(name, 'organization name must not be empty');
  requireMaxLength(name, MAX_ORGANIZATION_NAME_LENGTH, 'organization name');
}

/**
 * Rejects anything but an absolute http(s) URL. Whitespace is rejected rather
 * than trimmed because issuers are compared with the token's `iss` byte for byte.
 */
function requireHttpUrl(value: string, field: string): void {
  requireMaxLength(value, MAX_OIDC_FIELD_LENGTH, field);

  if (!isHttpUrl(value)) {
    throw PigeonError.validation(`${field} must be an absolute http or https URL, got ${JSON.stringify(value)}`);
  }
}

function isHttpUrl(value: string): boolean {
  if (/[\s\u0000-\u001f\u007f]/.test(value)) {
    return false;
  }

  try {
    const url = new URL(value);

    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
