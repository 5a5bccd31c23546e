// oidc-provider 9 ships no type declarations, and none are installed in this
// workspace. These cover only the parts that dev-issuer.ts uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  /** Koa context of the current request, as passed to configuration hooks. */
  export interface KoaContextWithOIDC {
    oidc: {
      /** Parsed form or JSON body of the request. */
      body?: Record<string, unknown>;
      client?: { clientId: string };
    };
  }

  /** Access token or client credentials token that is being formatted. */
  export interface AccessTokenEntity {
    kind: string;
    clientId?: string;
    accountId?: string;
  }

  /** Header and claims of a JWT access token before it is signed. */
  export interface StructuredToken {
    header: Record<string, unknown> | undefined;
    payload: Record<string, unknown>;
  }

  /** Details of a resource server, returned from `getResourceServerInfo`. */
  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg: string; kid?: string } };
  }

  /** Account returned from `findAccount`. */
  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  /** Client metadata as registered with the provider (RFC 7591 names). */
  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    grant_types?: string[];
    response_types?: string[];
    redirect_uris?: string[];
    post_logout_redirect_uris?: string[];
    token_endpoint_auth_method?: string;
    application_type?: 'web' | 'native';
  }

  /** Client as the provider passes it to configuration hooks. */
  export interface RegisteredClient {
    clientId: string;
    clientAuthMethod?: string;
    redirectUris?: string[];
  }

  /** Subset of the provider configuration that dev-issuer.ts sets. */
  export interface Configuration {
    clients?: ClientMetadata[];
    jwks?: { keys: Record<string, unknown>[] };
    cookies?: { keys?: string[] };
    ttl?: Record<string, number>;
    findAccount?: (ctx: KoaContextWithOIDC, id: string) => Promise<Account | undefined>;
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: RegisteredClient) => boolean;
    formats?: {
      customizers?: {
        jwt?: (ctx: KoaContextWithOIDC, token: AccessTokenEntity, jwt: StructuredToken) => Promise<void> | void;
      };
    };
    features?: {
      devInteractions?: { enabled: boolean };
      clientCredentials?: { enabled: boolean };
      resourceIndicators?: {
        enabled: boolean;
        defaultResource?: (ctx: KoaContextWithOIDC, client: unknown, oneOf?: string[]) => Promise<string | string[] | undefined>;
        useGrantedResource?: (ctx: KoaContextWithOIDC, model: unknown) => Promise<boolean>;
        getResourceServerInfo?: (ctx: KoaContextWithOIDC, resourceIndicator: string, client: unknown) => Promise<ResourceServerInfo>;
      };
    };
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** Returns a request listener for `http.createServer`. */
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }

  export namespace errors {
    class InvalidTarget extends Error {
      constructor(description?: string, detail?: string);
    }
  }

  export default Provider;
}
