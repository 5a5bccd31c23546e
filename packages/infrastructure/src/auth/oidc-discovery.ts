/**
 * Finds an issuer's JWKS URL through OIDC discovery, falling back to
 * `<issuer>/.well-known/jwks.json` when the discovery document cannot be read.
 */
export async function discoverJwksUrl(issuerUrl: string, timeoutMs: number): Promise<string> {
  const base = issuerUrl.replace(/\/+$/, '');

  try {
    const response = await fetch(`${base}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(timeoutMs) });
    if (response.ok) {
      const document = (await response.json()) as { jwks_uri?: unknown };
      if (typeof document.jwks_uri === 'string' && document.jwks_uri !== '') {
        return document.jwks_uri;
      }
    }
  } catch {
    // Discovery is optional; the conventional location below is the documented fallback.
  }

  return `${base}/.well-known/jwks.json`;
}
