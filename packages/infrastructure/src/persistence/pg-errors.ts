import { PigeonError } from '@pigeon/domain';

/** Messages for unique constraints a client can hit; each becomes a 400 naming the conflict. */
const UNIQUE_VIOLATIONS: Readonly<Record<string, string>> = {
  uq_applications_org_uid: 'Application with this UID already exists',
  uq_event_types_app_name: 'Event type with this name already exists for this application',
  uq_organizations_slug: 'Organization with this slug already exists',
  uq_oidc_configs_issuer_audience: 'An OIDC config with this issuer and audience already exists',
};

interface PgErrorShape {
  code?: string;
  constraint?: string;
  driverError?: PgErrorShape;
}

function pgError(error: unknown): PgErrorShape | null {
  if (typeof error !== 'object' || error === null) {
    return null;
  }

  const shape = error as PgErrorShape;

  return shape.driverError ?? shape;
}

/**
 * Maps database errors that client input can cause to coded validation errors,
 * so they become 400 responses instead of 500s. Anything else is returned as is.
 */
export function translateDatabaseError(error: unknown): unknown {
  const pg = pgError(error);

  if (pg?.code === '23505' && pg.constraint !== undefined) {
    const message = UNIQUE_VIOLATIONS[pg.constraint];
    if (message !== undefined) {
      return PigeonError.validation(message);
    }
  }
  // 22P05: \u0000 in JSONB; 22021: a NUL byte in text. PostgreSQL stores neither.
  if (pg?.code === '22P05' || pg?.code === '22021') {
    return PigeonError.validation('text must not contain NUL (U+0000) characters');
  }

  return error;
}
