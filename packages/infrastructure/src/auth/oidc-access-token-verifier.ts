import { AccessTokenVerifier, type Actor, type Clock, type Logger, OidcConfigRepository } from '@pigeon/application';
import { type OidcConfig, PigeonError } from '@pigeon/domain';
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload, jwtVerify, type ProtectedHeaderParameters } from 'jose';

import { JwksCache, type JwksKeySet } from './jwks-cache';

/**
 * Accepted token algorithms, all asymmetric. `none` and HMAC are rejected
 * because a JWKS is public, so an HMAC key taken from it would let anyone sign
 * tokens.
 */
export const ALLOWED_ALGORITHMS: readonly string[] = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
];

/**
 * How long a verified token is accepted without checking its signature
 * again, in milliseconds; never past its `exp`. A key removed from the
 * issuer's JWKS stops tokens that were already seen within this time.
 */
export const TOKEN_CACHE_MS = 30_000;
const MAX_CACHED_TOKENS = 1000;

interface VerifiedToken {
  /** The claims that select the config. */
  readonly claims: Pick<JWTPayload, 'iss' | 'aud'>;
  readonly subject: string;
  readonly configId: string;
  readonly jwksUrl: string;
  /** Clock time in milliseconds until which the token is accepted from here. */
  readonly validUntil: number;
}

export interface TokenVerifierOptions {
  /** How long fetched keys are trusted, in milliseconds. */
  readonly jwksCacheTtlMs: number;
  /** Time limit of one JWKS request, in milliseconds. */
  readonly jwksTimeoutMs: number;
  /** Leeway for `exp` and `nbf`, in seconds. */
  readonly clockToleranceSeconds: number;
}

function unauthenticated(reason: string): PigeonError {
  return new PigeonError('unauthenticated', reason);
}

/**
 * Verifies tokens of any organization: the token's `iss` and `aud` select the
 * OIDC config, whose JWKS gives the key. A verified token is remembered
 * briefly, because clients send one token with many requests and the
 * signature check costs more than the rest of a send. Messages of the errors
 * it throws are short and never contain the token or a part of it.
 */
export class OidcAccessTokenVerifier extends AccessTokenVerifier {
  private readonly jwks: JwksCache;
  /** Tokens verified recently, by their full text, so a client's repeated token is checked once per TOKEN_CACHE_MS. */
  private readonly verifiedTokens = new Map<string, VerifiedToken>();

  constructor(
    private readonly configs: OidcConfigRepository,
    private readonly clock: Clock,
    logger: Logger,
    private readonly options: TokenVerifierOptions,
  ) {
    super();
    this.jwks = new JwksCache(clock, logger, {
      ttlMs: options.jwksCacheTtlMs,
      timeoutMs: options.jwksTimeoutMs,
      algorithms: ALLOWED_ALGORITHMS,
    });
  }

  async verify(token: string): Promise<Actor> {
    const now = this.clock.now().getTime();
    const remembered = this.verifiedTokens.get(token);
    if (remembered !== undefined && remembered.validUntil > now) {
      // The signature and claims were checked moments ago. The config is
      // matched again, so a deleted config stops its tokens at once, and a
      // changed JWKS address forces a full check.
      const config = await this.matchConfig(remembered.claims);
      if (config.id === remembered.configId && config.jwksUrl === remembered.jwksUrl) {
        return { orgId: config.orgId, subject: remembered.subject };
      }
    }

    const { header, claims } = decode(token);
    if (typeof header.alg !== 'string' || !ALLOWED_ALGORITHMS.includes(header.alg)) {
      throw unauthenticated('token algorithm is not allowed');
    }

    const config = await this.matchConfig(claims);
    const keySet = await this.jwks.current(config.jwksUrl);
    const verified = await this.verifyWithRefetch(token, header, config, keySet);

    if (typeof verified.sub !== 'string' || verified.sub === '') {
      throw unauthenticated('token has no sub claim');
    }

    this.remember(token, verified, verified.sub, config, now);

    return { orgId: config.orgId, subject: verified.sub };
  }

  private remember(token: string, claims: JWTPayload, subject: string, config: OidcConfig, now: number): void {
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : now;
    const validUntil = Math.min(expiresAt, now + TOKEN_CACHE_MS);
    if (validUntil <= now) {
      return;
    }
    // Deleting first moves a token verified again to the end of the order.
    this.verifiedTokens.delete(token);
    if (this.verifiedTokens.size >= MAX_CACHED_TOKENS) {
      // Maps keep insertion order: the first key is the oldest entry.
      const oldest = this.verifiedTokens.keys().next().value;
      if (oldest !== undefined) {
        this.verifiedTokens.delete(oldest);
      }
    }
    this.verifiedTokens.set(token, {
      claims: { iss: claims.iss, aud: claims.aud },
      subject,
      configId: config.id,
      jwksUrl: config.jwksUrl,
      validUntil,
    });
  }

  private async matchConfig(claims: JWTPayload): Promise<OidcConfig> {
    if (typeof claims.iss !== 'string' || claims.iss === '') {
      throw unauthenticated('token has no iss claim');
    }

    const audiences = audienceList(claims.aud);
    const candidates = await this.configs.findByIssuer(claims.iss);
    const matches = candidates.filter((candidate) => audiences.includes(candidate.audience));
    if (matches.length === 0) {
      throw unauthenticated('unknown issuer or audience');
    }
    // A token whose audiences match two organizations is rejected, because
    // picking one would let the issuer decide which tenant the caller acts in.
    if (matches.length > 1) {
      throw unauthenticated('token audience matches several organizations');
    }

    return matches[0]!;
  }

  /** Verifies with the cached keys; a token naming an unknown key gets one refetch, subject to its rate limit. */
  private async verifyWithRefetch(token: string, header: ProtectedHeaderParameters, config: OidcConfig, keySet: JwksKeySet): Promise<JWTPayload> {
    try {
      return await this.verifyWith(token, config, keySet);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) {
        throw rejection(error, header);
      }
    }

    const refreshed = await this.jwks.refetch(config.jwksUrl, keySet);
    if (refreshed === null) {
      throw rejection(new errors.JWKSNoMatchingKey(), header);
    }

    try {
      return await this.verifyWith(token, config, refreshed);
    } catch (error) {
      throw rejection(error, header);
    }
  }

  private async verifyWith(token: string, config: OidcConfig, keySet: JwksKeySet): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, keySet.getKey, {
      algorithms: [...ALLOWED_ALGORITHMS],
      issuer: config.issuerUrl,
      audience: config.audience,
      requiredClaims: ['exp'],
      clockTolerance: this.options.clockToleranceSeconds,
      currentDate: this.clock.now(),
    });

    return payload;
  }
}

function decode(token: string): { header: ProtectedHeaderParameters; claims: JWTPayload } {
  try {
    return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
  } catch {
    throw unauthenticated('malformed token');
  }
}

function audienceList(aud: unknown): string[] {
  if (typeof aud === 'string') {
    return [aud];
  }
  if (Array.isArray(aud)) {
    return aud.filter((value): value is string => typeof value === 'string');
  }

  return [];
}

/** Maps a failed verification to a 401, choosing the text by jose's error class and never by its message. */
function rejection(error: unknown, header: ProtectedHeaderParameters): PigeonError {
  if (error instanceof PigeonError) {
    return error;
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthenticated('no key in the issuer JWKS matches the token');
  }
  if (error instanceof errors.JWKSMultipleMatchingKeys) {
    return unauthenticated(header.kid === undefined ? 'token has no kid and the issuer JWKS has several keys' : 'several keys in the issuer JWKS match the token kid');
  }
  if (error instanceof errors.JWTExpired) {
    return unauthenticated('token expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return unauthenticated(claimMessage(error));
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return unauthenticated('token signature is invalid');
  }
  if (error instanceof errors.JWKSInvalid || error instanceof errors.JWKInvalid || error instanceof errors.JOSENotSupported) {
    return unauthenticated('signing key in the issuer JWKS is invalid');
  }

  return unauthenticated('token signature or claims are invalid');
}

function claimMessage(error: InstanceType<typeof errors.JWTClaimValidationFailed>): string {
  if (error.claim === 'exp' && error.reason === 'missing') {
    return 'token has no exp claim';
  }
  if (error.claim === 'nbf') {
    return 'token is not valid yet (nbf)';
  }

  return `token ${error.claim} claim is invalid`;
}
