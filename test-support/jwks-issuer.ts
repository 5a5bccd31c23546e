import { constants, createHmac, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Algorithms the issuer can sign with: one per family Pigeon accepts, plus HS256 to prove it is rejected. */
export type IssuerAlgorithm = 'RS256' | 'PS256' | 'ES256' | 'EdDSA' | 'HS256';

/**
 * How the issuer responds to every request: `serve` normally, `error` with
 * HTTP 500, `garbage` with a 200 body that is not JSON, `hang` by never
 * responding, `reset` by closing the connection without a response.
 */
export type IssuerBehaviour = 'serve' | 'error' | 'garbage' | 'hang' | 'reset';

export interface IssuerKeyOptions {
  readonly alg: IssuerAlgorithm;
  /** `kid` of the key and of its tokens; null leaves it out of both. Default: a random UUID. */
  readonly kid?: string | null;
  /** Members merged into the published JWK, such as `use`, `key_ops` or `alg`. */
  readonly jwk?: Record<string, unknown>;
}

/** A key of the issuer; its public part is in the JWKS until it is removed. */
export interface IssuerKey {
  readonly kid: string | null;
  readonly alg: IssuerAlgorithm;
  /** Published JWK: the public key, or the secret for HS256. */
  readonly jwk: Record<string, unknown>;
  /**
   * Signs a token. Claims override the defaults (iss, aud, sub, iat, and exp
   * one hour after the issuer's `now`); a claim set to undefined is left out.
   * Header members override alg, typ and kid.
   */
  sign(claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
}

/**
 * A local OpenID issuer for token verification tests, on 127.0.0.1: several
 * keys of different types, key rotation, a switch for failure modes and a
 * count of JWKS requests.
 */
export interface JwksIssuer {
  readonly issuerUrl: string;
  /** The JWKS URL that the discovery document names. */
  readonly jwksUrl: string;
  readonly audience: string;
  /** Creates a key and publishes it in the JWKS. */
  addKey(options: IssuerKeyOptions): IssuerKey;
  /** Takes the key out of the JWKS; it still signs tokens. */
  removeKey(key: IssuerKey): void;
  setBehaviour(behaviour: IssuerBehaviour): void;
  /** JWKS requests received, whatever the behaviour was. */
  jwksRequests(): number;
  stop(): Promise<void>;
}

export interface JwksIssuerOptions {
  readonly audience?: string;
  /** Time base of the default `iat` and `exp`, in epoch milliseconds. Default: the real time. */
  readonly now?: () => number;
}

const JWKS_PATH = '/jwks';

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/** Builds a token with `alg: none` and an empty signature. */
export function unsignedJwt(header: Record<string, unknown>, claims: Record<string, unknown>): string {
  return `${base64url(JSON.stringify({ alg: 'none', ...header }))}.${base64url(JSON.stringify(claims))}.`;
}

type Signer = (input: Buffer) => Buffer;

function createKeyMaterial(alg: IssuerAlgorithm): { jwk: Record<string, unknown>; signer: Signer } {
  switch (alg) {
    case 'RS256':
    case 'PS256': {
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const padding = alg === 'PS256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : {};

      return { jwk: publicJwk(publicKey), signer: (input) => sign('sha256', input, { key: privateKey, ...padding }) };
    }
    case 'ES256': {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

      return { jwk: publicJwk(publicKey), signer: (input) => sign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }) };
    }
    case 'EdDSA': {
      const { privateKey, publicKey } = generateKeyPairSync('ed25519');

      return { jwk: publicJwk(publicKey), signer: (input) => sign(null, input, privateKey) };
    }
    case 'HS256': {
      const secret = randomBytes(32);

      return { jwk: { kty: 'oct', k: base64url(secret) }, signer: (input) => createHmac('sha256', secret).update(input).digest() };
    }
  }
}

function publicJwk(publicKey: KeyObject): Record<string, unknown> {
  return { ...publicKey.export({ format: 'jwk' }) };
}

export async function startJwksIssuer(options: JwksIssuerOptions = {}): Promise<JwksIssuer> {
  const audience = options.audience ?? 'pigeon-test';
  const now = options.now ?? (() => Date.now());
  const published: IssuerKey[] = [];
  let behaviour: IssuerBehaviour = 'serve';
  let jwksServed = 0;
  let base = '';

  const server: Server = createServer((request, response) => {
    if (request.url === JWKS_PATH) {
      jwksServed += 1;
    }

    switch (behaviour) {
      case 'hang':
        return;
      case 'reset':
        request.socket.destroy();

        return;
      case 'error':
        response.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');

        return;
      case 'garbage':
        response.writeHead(200, { 'content-type': 'application/json' }).end('<html>not a key set');

        return;
      case 'serve':
        break;
    }

    if (request.url === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ issuer: base, jwks_uri: `${base}${JWKS_PATH}` }));
    } else if (request.url === JWKS_PATH) {
      response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
      response.end(JSON.stringify({ keys: published.map((key) => key.jwk) }));
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuerUrl: base,
    jwksUrl: `${base}${JWKS_PATH}`,
    audience,
    addKey(keyOptions) {
      const kid = keyOptions.kid === undefined ? randomUUID() : keyOptions.kid;
      const { jwk, signer } = createKeyMaterial(keyOptions.alg);
      const key: IssuerKey = {
        kid,
        alg: keyOptions.alg,
        jwk: { ...jwk, ...(kid === null ? {} : { kid }), ...keyOptions.jwk },
        sign(claims = {}, header = {}) {
          const issuedAt = Math.floor(now() / 1000);
          const fullHeader = { alg: keyOptions.alg, typ: 'JWT', ...(kid === null ? {} : { kid }), ...header };
          const fullClaims = { iss: base, aud: audience, sub: 'test-user', iat: issuedAt, exp: issuedAt + 3600, ...claims };
          const signingInput = `${base64url(JSON.stringify(fullHeader))}.${base64url(JSON.stringify(fullClaims))}`;

          return `${signingInput}.${base64url(signer(Buffer.from(signingInput)))}`;
        },
      };
      published.push(key);

      return key;
    },
    removeKey(key) {
      const index = published.indexOf(key);
      if (index >= 0) {
        published.splice(index, 1);
      }
    },
    setBehaviour(next) {
      behaviour = next;
    },
    jwksRequests: () => jwksServed,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
