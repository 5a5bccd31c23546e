import { Query } from '../../mediator/command';

/** Sign-in settings a web console needs before it has a token: the issuer to log in with and the client id. */
export interface AuthConfig {
  readonly issuerUrl: string;
  readonly audience: string;
}

/**
 * Finds the sign-in settings for a request. `host` is the request's `Host`
 * header, and `adminOrgId` is the organization served when the host names no
 * tenant (null when no admin organization is configured).
 */
export class GetAuthConfigQuery extends Query<AuthConfig> {
  constructor(
    readonly host: string | null,
    readonly adminOrgId: string | null,
  ) {
    super();
  }
}
