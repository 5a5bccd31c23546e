import { PigeonError } from './errors';
import { newId } from './identifiers';
import { requireMaxLength, requireText } from './text';
import { INITIAL_VERSION } from './versioned';

const SLUG_PATTERN = /^[a-z0-9-]+$/;

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
  requireText(input.name, 'organization name must not be empty');
  requireMaxLength(input.name, 256, 'organization name');
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
