import { AccessTokenVerifier, type Actor, OidcConfigRepository } from '@pigeon/application';
import { PigeonError } from '@pigeon/domain';
import jwt, { type Algorithm, type JwtPayload } from 'jsonwebtoken';
import { JwksClient } from 'jwks-rsa';

/**
 * Asymmetric algorithms only: `none` and HMAC are refused, because a JWKS is
 * public and an HMAC "key" taken from it would let anyone sign tokens.
 */
// NOTE: EdDSA is left out because jsonwebtoken 9 cannot verify it.
export const ALLOWED_ALGORITHMS: readonly Algorithm[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'];

export interface TokenVerifierOptions {
  /** How long fetched keys are trusted, in milliseconds. */
  readonly jwksCacheTtlMs: number;
  readonly jwksTimeoutMs: number;
  readonly clockToleranceSeconds: number;
}

function unauthenticated(reason: string): PigeonError {
  return new PigeonError('unauthenticated', reason);
}

/** Verifies tokens of any organization: the token's `iss` and `aud` select the OIDC config, whose JWKS gives the key. */
export class OidcAccessTokenVerifier extends AccessTokenVerifier {
  private readonly clients = new Map<string, JwksClient>();

  constructor(
    private readonly configs: OidcConfigRepository,
    private readonly options: TokenVerifierOptions,
  ) {
    super();
  }

  async verify(token: string): Promise<Actor> {
    const decoded = jwt.decode(token, { complete: true });
    if (decoded === null || typeof decoded.payload === 'string') {
      throw unauthenticated('malformed token');
    }

    const { header, payload } = decoded;
    if (!ALLOWED_ALGORITHMS.includes(header.alg as Algorithm)) {
      throw unauthenticated(`token algorithm ${String(header.alg)} is not allowed`);
    }

    const config = await this.matchConfig(payload);
    const key = await this.signingKey(config.jwksUrl, header.kid);
    const verified = this.verifySignature(token, key, config.issuerUrl, config.audience);

    if (typeof verified.sub !== 'string' || verified.sub === '') {
      throw unauthenticated('token has no sub claim');
    }

    return { orgId: config.orgId, subject: verified.sub };
  }

  private async matchConfig(payload: JwtPayload) {
    if (typeof payload.iss !== 'string' || payload.iss === '') {
      throw unauthenticated('token has no iss claim');
    }

    const audiences = typeof payload.aud === 'string' ? [payload.aud] : (payload.aud ?? []);
    const candidates = await this.configs.findByIssuer(payload.iss);
    const config = candidates.find((candidate) => audiences.includes(candidate.audience));
    if (config === undefined) {
      throw unauthenticated('unknown issuer or audience');
    }

    return config;
  }

  private async signingKey(jwksUrl: string, kid: string | undefined): Promise<string> {
    try {
      const key = await this.client(jwksUrl).getSigningKey(kid);

      return key.getPublicKey();
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'SigningKeyNotFoundError' || name === 'JwksError') {
        throw unauthenticated('no matching signing key in the issuer JWKS');
      }

      throw new PigeonError('auth_unavailable', 'signing keys of the token issuer are unavailable');
    }
  }

  private verifySignature(token: string, key: string, issuer: string, audience: string): JwtPayload {
    try {
      const verified = jwt.verify(token, key, {
        algorithms: [...ALLOWED_ALGORITHMS],
        issuer,
        audience,
        clockTolerance: this.options.clockToleranceSeconds,
      });
      if (typeof verified === 'string' || typeof verified.exp !== 'number') {
        throw unauthenticated('token has no exp claim');
      }

      return verified;
    } catch (error) {
      if (error instanceof PigeonError) {
        throw error;
      }
      if (error instanceof jwt.TokenExpiredError) {
        throw unauthenticated('token expired');
      }

      throw unauthenticated('token signature or claims are invalid');
    }
  }

  private client(jwksUrl: string): JwksClient {
    let client = this.clients.get(jwksUrl);
    if (client === undefined) {
      client = new JwksClient({
        jwksUri: jwksUrl,
        cache: true,
        cacheMaxAge: this.options.jwksCacheTtlMs,
        // Two fetches a minute: an unknown kid cannot make us hammer the provider.
        rateLimit: true,
        jwksRequestsPerMinute: 2,
        timeout: this.options.jwksTimeoutMs,
      });
      this.clients.set(jwksUrl, client);
    }

    return client;
  }
}
