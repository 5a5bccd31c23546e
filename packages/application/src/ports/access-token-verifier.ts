import type { Actor } from '../mediator/command';

/**
 * Checks a bearer token against the OIDC configs of all organizations and
 * returns who is calling. Throws a PigeonError: `unauthenticated` for a token
 * that is not acceptable, `auth_unavailable` when no signing key can be obtained.
 */
export abstract class AccessTokenVerifier {
  abstract verify(token: string): Promise<Actor>;
}
