import { fetchJson, OIDC_FETCH_TIMEOUT_MS } from './fetch-json';

/**
 * Finds an issuer's JWKS URL through OIDC discovery, falling back to
 * `<issuer>/.well-known/jwks.json` when the discovery document cannot be read
 * or has no http(s) `jwks_uri`.
 */
export async function discoverJwksUrl(issuerUrl: string, timeoutMs: number = OIDC_FETCH_TIMEOUT_MS): Promise<string> {
  const base = issuerUrl.replace(/\/+$/, '');

  try {
    const document = await fetchJson(`${base}/.well-known/openid-configuration`, timeoutMs);
    const jwksUri = (document as { jwks_uri?: unknown } | null)?.jwks_uri;
    if (typeof jwksUri === 'string' && isHttpUrl(jwksUri)) {
      return jwksUri;
    }
  } catch {
    // Discovery is optional; the conventional location below is the documented fallback.
  }

  return `${base}/.well-known/jwks.json`;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);

    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}
