// A minimal OpenID issuer on 127.0.0.1 for the bench: a discovery document, a
// JWKS and RS256 tokens, the same as test-support/oidc-issuer.ts in plain
// JavaScript, so the bench needs no TypeScript build of the tests.
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const base64url = (value) => Buffer.from(value).toString('base64url');

/**
 * Starts the issuer. Returns its URL, the audience its tokens carry, `token()`
 * to sign one (valid for `lifetimeSeconds`) and `stop()`.
 */
export async function startIssuer({ audience = 'pigeon-bench', lifetimeSeconds = 3600 } = {}) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  let issuerUrl = '';

  const server = createServer((request, response) => {
    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ issuer: issuerUrl, jwks_uri: `${issuerUrl}/keys` }));
    } else if (request.url === '/keys') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: [jwk] }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuerUrl = `http://127.0.0.1:${server.address().port}`;

  return {
    issuerUrl,
    audience,
    token() {
      const now = Math.floor(Date.now() / 1000);
      const header = { alg: 'RS256', typ: 'JWT', kid };
      const claims = { iss: issuerUrl, aud: audience, sub: 'bench', iat: now, exp: now + lifetimeSeconds };
      const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
      const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey);

      return `${signingInput}.${base64url(signature)}`;
    },
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
