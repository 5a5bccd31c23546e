import { type Clock, type Logger } from '@pigeon/application';
import { PigeonError } from '@pigeon/domain';
import { createLocalJWKSet, type JSONWebKeySet, type JWK, type JWTVerifyGetKey } from 'jose';

import { fetchJson, OidcFetchError } from './fetch-json';

/**
 * Minimum time between two refetches of one JWKS URL for an unknown `kid`, and
 * between a failed fetch and its retry. Any caller can send a token with a
 * configured `iss`/`aud` and a made-up `kid`, so this bounds the load such
 * tokens put on the provider.
 */
export const JWKS_REFETCH_INTERVAL_MS = 30_000;

/** Key types that can verify an allowed algorithm; `oct` and others are dropped. */
const SIGNING_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

export interface JwksCacheOptions {
  /** How long fetched keys are used without asking the provider again, in milliseconds. */
  readonly ttlMs: number;
  /** Time limit of one JWKS request, in milliseconds. */
  readonly timeoutMs: number;
  /** Algorithms the verifier accepts; a published key that names another `alg` is dropped. */
  readonly algorithms: readonly string[];
}

/** The signing keys of one JWKS document, as fetched at `fetchedAtMs`. */
export interface JwksKeySet {
  readonly fetchedAtMs: number;
  /**
   * Picks the key for a token header like jose's local key sets: by `kid`
   * when the token has one, by key type and curve for the token's `alg`, and
   * honouring each key's `alg`, `use` and `key_ops`.
   */
  readonly getKey: JWTVerifyGetKey;
}

interface CacheEntry {
  keySet: JwksKeySet | null;
  /** Fetch shared by every request that waits for this URL. */
  inFlight: Promise<void> | null;
  /** No retry of a failed fetch before this instant (epoch ms). */
  retryNotBeforeMs: number;
  /** No refetch for an unknown `kid` before this instant (epoch ms). */
  refetchNotBeforeMs: number;
}

/**
 * Signing keys per JWKS URL, fetched on first use and kept for the TTL. When
 * the provider is down or returns something that is not a usable JWKS, the
 * keys fetched before stay in use past their TTL, and the next attempt waits
 * {@link JWKS_REFETCH_INTERVAL_MS}. Only the configured URL is fetched: the
 * `jku` and `x5u` headers of a token are never followed.
 */
export class JwksCache {
  private readonly entries = new Map<string, CacheEntry>();

  constructor(
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly options: JwksCacheOptions,
  ) {}

  /**
   * Returns the keys of `jwksUrl`: cached ones while fresh, otherwise fetched
   * ones, or stale ones when the fetch fails.
   *
   * @throws PigeonError `auth_unavailable` when no keys were ever obtained.
   */
  async current(jwksUrl: string): Promise<JwksKeySet> {
    const entry = this.entry(jwksUrl);
    if (entry.inFlight !== null) {
      await entry.inFlight;
    }

    const now = this.nowMs();
    const fresh = entry.keySet !== null && now - entry.keySet.fetchedAtMs < this.options.ttlMs;
    if (!fresh && now >= entry.retryNotBeforeMs) {
      await this.fetch(jwksUrl, entry);
    }
    if (entry.keySet === null) {
      throw new PigeonError('auth_unavailable', 'signing keys of the token issuer are unavailable, try again later');
    }

    return entry.keySet;
  }

  /**
   * Fetches `jwksUrl` again because a token names a key that `seen` lacks.
   * Returns the newer key set, or null when there is none: the refetch
   * failed, or it is too soon after the last one.
   */
  async refetch(jwksUrl: string, seen: JwksKeySet): Promise<JwksKeySet | null> {
    const entry = this.entry(jwksUrl);
    if (entry.inFlight !== null) {
      await entry.inFlight;
    }

    const now = this.nowMs();
    if (entry.keySet === seen && now >= entry.refetchNotBeforeMs && now >= entry.retryNotBeforeMs) {
      entry.refetchNotBeforeMs = now + JWKS_REFETCH_INTERVAL_MS;
      await this.fetch(jwksUrl, entry);
    }

    return entry.keySet !== seen ? entry.keySet : null;
  }

  private entry(jwksUrl: string): CacheEntry {
    let entry = this.entries.get(jwksUrl);
    if (entry === undefined) {
      entry = { keySet: null, inFlight: null, retryNotBeforeMs: 0, refetchNotBeforeMs: 0 };
      this.entries.set(jwksUrl, entry);
    }

    return entry;
  }

  /** Starts a fetch for the entry, or joins the one already running; never throws. */
  private fetch(jwksUrl: string, entry: CacheEntry): Promise<void> {
    entry.inFlight ??= this.load(jwksUrl, entry).finally(() => {
      entry.inFlight = null;
    });

    return entry.inFlight;
  }

  private async load(jwksUrl: string, entry: CacheEntry): Promise<void> {
    try {
      const keys = this.signingKeys(await fetchJson(jwksUrl, this.options.timeoutMs));

      entry.keySet = { fetchedAtMs: this.nowMs(), getKey: createLocalJWKSet({ keys }) };
      entry.retryNotBeforeMs = 0;
    } catch (error) {
      entry.retryNotBeforeMs = this.nowMs() + JWKS_REFETCH_INTERVAL_MS;

      // Repeats are bounded by the retry interval: one line per URL per 30 s at most.
      this.logger.warn('JWKS fetch failed', {
        jwksUrl,
        reason: error instanceof OidcFetchError ? error.reason : 'unexpected error',
        usingCachedKeys: entry.keySet !== null,
      });
    }
  }

  /** Selects the verification keys of a JWKS document; throws an OidcFetchError when it has none. */
  private signingKeys(document: unknown): JWK[] {
    const keys = (document as Partial<JSONWebKeySet> | null)?.keys;
    if (!Array.isArray(keys)) {
      throw new OidcFetchError('response is not a JWKS');
    }

    const usable = keys.filter((key): key is JWK => this.isSigningKey(key));
    if (usable.length === 0) {
      throw new OidcFetchError('JWKS has no usable signing key');
    }

    return usable;
  }

  private isSigningKey(key: unknown): boolean {
    if (typeof key !== 'object' || key === null || Array.isArray(key)) {
      return false;
    }

    const { kty, alg, use, key_ops: keyOps } = key as Record<string, unknown>;

    return (
      typeof kty === 'string' &&
      SIGNING_KEY_TYPES.has(kty) &&
      (alg === undefined || (typeof alg === 'string' && this.options.algorithms.includes(alg))) &&
      (use === undefined || use === 'sig') &&
      (keyOps === undefined || (Array.isArray(keyOps) && keyOps.includes('verify')))
    );
  }

  private nowMs(): number {
    return this.clock.now().getTime();
  }
}
