import { createHash, createPublicKey, type JsonWebKey, randomBytes, verify } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../../../../test-support/free-port';
import { DEV_SUBJECT, type DevIssuer, fetchDevToken, startDevIssuer } from '../../src/dev/dev-issuer';

const AUDIENCE = 'pigeon-dev-test';

interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

function decodeJwt(token: string): DecodedJwt {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  const [header = '', payload = '', signature = ''] = parts;

  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

async function fetchJwks(jwksUrl: string): Promise<JsonWebKey[]> {
  const response = await fetch(jwksUrl);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { keys: JsonWebKey[] };

  return body.keys;
}

/** Verifies an RS256 JWT against the JWKS key named by its `kid`, with node:crypto only. */
function verifiesWith(token: string, keys: JsonWebKey[]): boolean {
  const jwt = decodeJwt(token);
  const jwk = keys.find((key) => key.kid === jwt.header.kid);
  if (jwk === undefined) {
    return false;
  }
  const publicKey = createPublicKey({ key: jwk, format: 'jwk' });

  return verify('RSA-SHA256', Buffer.from(jwt.signingInput), publicKey, jwt.signature);
}

/** Collects Set-Cookie values like a browser would for a single host, ignoring paths. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(response: Response): void {
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';', 1)[0] ?? '';
      const separator = pair.indexOf('=');
      this.cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
  }
}

/**
 * Runs the browser side of an authorization code + PKCE login through the
 * development login and consent pages, and returns the redirect to the UI.
 */
async function authorizeInBrowser(issuerUrl: string, query: URLSearchParams, redirectUri: string, login: string): Promise<URL> {
  const jar = new CookieJar();
  const request = async (url: string, init: RequestInit = {}): Promise<Response> => {
    const response = await fetch(new URL(url, issuerUrl), { ...init, redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response);

    return response;
  };

  let response = await request(`/auth?${query.toString()}`);
  for (let step = 0; step < 10; step += 1) {
    const location = response.headers.get('location');
    if (location?.startsWith(redirectUri)) {
      return new URL(location);
    }
    if (location !== null) {
      response = await request(location);
      continue;
    }

    const html = await response.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /action="([^"]+)"/.exec(html)?.[1];
    if (prompt === undefined || action === undefined) {
      throw new Error(`Unexpected page from the issuer (HTTP ${response.status}): ${html.slice(0, 300)}`);
    }
    const form: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    response = await request(action, { method: 'POST', body: new URLSearchParams(form) });
  }
  throw new Error('The authorization flow did not redirect to the UI within 10 steps.');
}

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

beforeAll(() => {
  // oidc-provider warns about its in-memory adapter and development login
  // pages, which are what a development issuer is meant to use.
  const originalWarn = console.warn.bind(console);
  jest.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] !== 'string' || !args[0].includes('oidc-provider WARNING')) {
      originalWarn(...args);
    }
  });
});

afterAll(() => {
  jest.restoreAllMocks();
});

describe('startDevIssuer', () => {
  let dataDir: string;
  let port: number;
  const running: DevIssuer[] = [];

  const start = async (uiRedirectUris: string[] = []): Promise<DevIssuer> => {
    const issuer = await startDevIssuer({ port, host: '127.0.0.1', audience: AUDIENCE, dataDir, uiRedirectUris });
    running.push(issuer);

    return issuer;
  };

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'pigeon-dev-issuer-'));
    port = await freePort();
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((issuer) => issuer.stop()));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('mints a verifiable RS256 access token', async () => {
    const issuer = await start();

    const token = await issuer.mintToken();

    const jwt = decodeJwt(token);
    const now = Math.floor(Date.now() / 1000);
    expect(issuer.issuerUrl).toBe(`http://127.0.0.1:${port}`);
    expect(jwt.header.alg).toBe('RS256');
    expect(typeof jwt.header.kid).toBe('string');
    expect(jwt.payload.iss).toBe(issuer.issuerUrl);
    expect(jwt.payload.aud).toBe(AUDIENCE);
    expect(jwt.payload.sub).toBe(DEV_SUBJECT);
    expect(jwt.payload.client_id).toBe(issuer.clientId);
    expect(jwt.payload.exp).toBe(Number(jwt.payload.iat) + 3600);
    expect(Number(jwt.payload.exp)).toBeGreaterThan(now);
    const keys = await fetchJwks(issuer.jwksUrl);
    expect(keys.map((key) => key.kid)).toContain(jwt.header.kid);
    expect(verifiesWith(token, keys)).toBe(true);
  });

  it('publishes only public keys', async () => {
    const issuer = await start();

    const keys = await fetchJwks(issuer.jwksUrl);

    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      expect(key.d).toBeUndefined();
      expect(key.p).toBeUndefined();
    }
  });

  it('rejects a token with a changed payload', async () => {
    const issuer = await start();
    const token = await issuer.mintToken();
    const [header, , signature] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...decodeJwt(token).payload, sub: 'mallory' })).toString('base64url');

    const keys = await fetchJwks(issuer.jwksUrl);

    expect(verifiesWith(`${header}.${forgedPayload}.${signature}`, keys)).toBe(false);
  });

  it('sets sub to the requested subject', async () => {
    const issuer = await start();

    const token = await issuer.mintToken('alice@example.test');

    expect(decodeJwt(token).payload.sub).toBe('alice@example.test');
  });

  it('rejects an empty subject', async () => {
    const issuer = await start();

    await expect(issuer.mintToken('')).rejects.toThrow('Invalid token subject');
  });

  it('serves a matching discovery document', async () => {
    const issuer = await start();

    const response = await fetch(`${issuer.issuerUrl}/.well-known/openid-configuration`);
    const discovery = (await response.json()) as Record<string, unknown>;

    expect(discovery.issuer).toBe(issuer.issuerUrl);
    expect(discovery.jwks_uri).toBe(issuer.jwksUrl);
    expect(discovery.token_endpoint).toBe(`${issuer.issuerUrl}/token`);
  });

  it('stores keys and client with mode 0600', async () => {
    await start();

    for (const file of ['oidc-keys.json', 'dev-client.json']) {
      expect({ file, mode: statSync(join(dataDir, file)).mode & 0o777 }).toEqual({ file, mode: 0o600 });
    }
  });

  it('keeps old tokens valid after a restart', async () => {
    const first = await start();
    const token = await first.mintToken();
    const firstClientId = first.clientId;
    await first.stop();

    const second = await start();
    const keys = await fetchJwks(second.jwksUrl);

    expect(second.clientId).toBe(firstClientId);
    expect(verifiesWith(token, keys)).toBe(true);
    expect(verifiesWith(await second.mintToken(), keys)).toBe(true);
  });

  it('rejects a port in use', async () => {
    const blocker = await listenOn(port);
    try {
      await expect(start()).rejects.toThrow(`Port ${port} on 127.0.0.1 is already in use`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('logs in the UI client with PKCE', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/auth/callback`;
    const issuer = await start([redirectUri]);
    const verifier = randomBytes(32).toString('base64url');
    const query = new URLSearchParams({
      client_id: AUDIENCE,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: 'openid',
      state: 'state-1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });

    const callback = await authorizeInBrowser(issuer.issuerUrl, query, redirectUri, 'alice');
    const code = callback.searchParams.get('code');
    expect(callback.searchParams.get('state')).toBe('state-1');
    expect(code).not.toBeNull();
    const response = await fetch(`${issuer.issuerUrl}/token`, {
      method: 'POST',
      headers: { origin: new URL(redirectUri).origin },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: redirectUri,
        client_id: AUDIENCE,
        code_verifier: verifier,
      }),
    });
    const body = (await response.json()) as { access_token?: string; id_token?: string };

    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(new URL(redirectUri).origin);
    const accessToken = decodeJwt(body.access_token ?? '');
    expect(accessToken.payload.aud).toBe(AUDIENCE);
    expect(accessToken.payload.sub).toBe('alice');
    expect(accessToken.payload.iss).toBe(issuer.issuerUrl);
    expect(verifiesWith(body.access_token ?? '', await fetchJwks(issuer.jwksUrl))).toBe(true);
    expect(decodeJwt(body.id_token ?? '').payload.sub).toBe('alice');
  });

  it('requires PKCE from the UI client', async () => {
    const redirectUri = `http://127.0.0.1:${await freePort()}/auth/callback`;
    const issuer = await start([redirectUri]);
    const query = new URLSearchParams({ client_id: AUDIENCE, redirect_uri: redirectUri, response_type: 'code', scope: 'openid' });

    const response = await fetch(`${issuer.issuerUrl}/auth?${query.toString()}`, { redirect: 'manual' });

    const location = new URL(response.headers.get('location') ?? '', issuer.issuerUrl);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('error_description')).toContain('PKCE');
  });
});

describe('fetchDevToken', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'pigeon-dev-token-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gets a token from the running issuer', async () => {
    const issuer = await startDevIssuer({ port: await freePort(), host: '127.0.0.1', audience: AUDIENCE, dataDir, uiRedirectUris: [] });
    try {
      const token = await fetchDevToken(dataDir);

      const jwt = decodeJwt(token);
      expect(jwt.payload.aud).toBe(AUDIENCE);
      expect(jwt.payload.iss).toBe(issuer.issuerUrl);
      expect(jwt.payload.sub).toBe(DEV_SUBJECT);
      expect(verifiesWith(token, await fetchJwks(issuer.jwksUrl))).toBe(true);
    } finally {
      await issuer.stop();
    }
  });

  it('says to start pigeon dev when the issuer is down', async () => {
    const issuer = await startDevIssuer({ port: await freePort(), host: '127.0.0.1', audience: AUDIENCE, dataDir, uiRedirectUris: [] });
    await issuer.stop();

    await expect(fetchDevToken(dataDir)).rejects.toThrow('Start `pigeon dev` first');
  });

  it('says to start pigeon dev without a client file', async () => {
    await expect(fetchDevToken(dataDir)).rejects.toThrow(`No dev client found at ${join(dataDir, 'dev-client.json')}`);
  });
});
