import { createSign, generateKeyPairSync, type KeyObject, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local OpenID issuer for tests: serves a discovery document and a JWKS on
 * 127.0.0.1 and signs RS256 tokens with its key, like a real provider would.
 */
export interface TestIssuer {
  readonly issuerUrl: string;
  readonly jwksUrl: string;
  readonly audience: string;
  /** Signs a token; claims override the defaults (iss, aud, sub, iat, exp one hour ahead). */
  token(claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** Number of JWKS documents served, to observe caching. */
  jwksRequests(): number;
  stop(): Promise<void>;
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

export function signJwt(privateKey: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);

  return `${signingInput}.${base64url(signature)}`;
}

export async function startTestIssuer(audience = 'pigeon-test'): Promise<TestIssuer> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  let served = 0;
  let base = '';

  const server: Server = createServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ issuer: base, jwks_uri: `${base}/keys` }));
    } else if (request.url === '/keys') {
      served += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuerUrl: base,
    jwksUrl: `${base}/keys`,
    audience,
    token(claims = {}, header = {}) {
      const now = Math.floor(Date.now() / 1000);

      return signJwt(
        privateKey,
        { alg: 'RS256', typ: 'JWT', kid, ...header },
        { iss: base, aud: audience, sub: 'test-user', iat: now, exp: now + 3600, ...claims },
      );
    },
    jwksRequests: () => served,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
