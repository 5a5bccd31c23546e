// oidc-provider ships no types. The reference makes every program that
// compiles this file, such as the test type check, see the declarations,
// which form an ambient module and so cannot be imported.
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="./oidc-provider.d.ts" />
import { createHash, generateKeyPairSync, type JsonWebKey, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';

/** Options for {@link startDevIssuer}. */
export interface DevIssuerOptions {
  /** TCP port of the issuer, whose URL is `http://127.0.0.1:<port>`. */
  port: number;
  host: '127.0.0.1';
  /** `aud` of the access tokens, and the client id of the web UI client. */
  audience: string;
  /** Directory for the signing keys and the CLI client's credentials. */
  dataDir: string;
  /** Redirect URIs of the web UI client. With none, that client is not registered. */
  uiRedirectUris: string[];
}

/** Running development OpenID provider. */
export interface DevIssuer {
  /** Issuer URL without a trailing slash, the `iss` of every token. */
  issuerUrl: string;
  jwksUrl: string;
  /** Client id of the confidential CLI client. */
  clientId: string;
  /**
   * Requests a JWT access token for the audience from the token endpoint
   * (client credentials grant). `subject` becomes the `sub` claim and
   * defaults to {@link DEV_SUBJECT}.
   */
  mintToken(subject?: string): Promise<string>;
  /** Closes the HTTP server and its open connections. */
  stop(): Promise<void>;
}

/** `sub` of tokens minted for the CLI client when no subject is requested. */
export const DEV_SUBJECT = 'dev-user';

const KEYS_FILE = 'oidc-keys.json';
const CLIENT_FILE = 'dev-client.json';
const CLI_CLIENT_ID = 'pigeon-cli';
const API_SCOPE = 'api';
const ACCESS_TOKEN_TTL_SECONDS = 3600;
const TOKEN_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Non-standard token request parameter that sets the `sub` of a CLI token.
 * Only the confidential CLI client can use it.
 */
const SUBJECT_PARAMETER = 'subject';

/** Contents of `<dataDir>/dev-client.json`, read by `pigeon token` in another process. */
interface DevClientRecord {
  issuerUrl: string;
  tokenEndpoint: string;
  audience: string;
  /** RFC 8707 resource indicator that maps to the audience. */
  resource: string;
  clientId: string;
  clientSecret: string;
}

interface SigningKeySet {
  keys: JsonWebKey[];
}

/**
 * Starts an oidc-provider 9 OpenID provider for development on
 * `http://127.0.0.1:<port>`.
 *
 * It issues RS256 JWT access tokens with `aud` = `audience` and a lifetime of
 * one hour. The signing keys are generated on first start and kept in
 * `<dataDir>/oidc-keys.json`, so tokens stay valid across restarts. It
 * registers a confidential client for the CLI (client credentials grant),
 * whose credentials and the issuer URL are stored in `<dataDir>/dev-client.json`
 * for {@link fetchDevToken}. When `uiRedirectUris` is not empty, it also
 * registers a public web UI client with client id `audience` (authorization
 * code with PKCE) and a development login page that accepts any login name
 * with any password.
 *
 * Sessions, grants and authorization codes are kept in memory and are lost
 * on restart, but JWT access tokens do not depend on them.
 *
 * @throws Error when an option is invalid, the data directory or a stored
 * file cannot be read or written, or the port is in use.
 */
export async function startDevIssuer(options: DevIssuerOptions): Promise<DevIssuer> {
  const { port, host, audience, uiRedirectUris } = options;
  validateOptions(options);

  const dataDir = path.resolve(options.dataDir);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new Error(`Cannot create the data directory ${dataDir} (${errorCode(error)}). Set PIGEON_DATA_DIR to a writable directory, such as /tmp/pigeon.`);
  }

  const issuerUrl = `http://${host}:${port}`;
  const resource = resourceIndicatorFor(audience);
  const signingKeys = readOrCreateSigningKeys(dataDir);
  const client = writeClientRecord(dataDir, { issuerUrl, tokenEndpoint: `${issuerUrl}/token`, audience, resource });

  const { Provider, errors } = await importOidcProvider();

  const configuration: Configuration = {
    clients: buildClients(client, audience, uiRedirectUris),
    jwks: { keys: signingKeys.keys as Record<string, unknown>[] },
    // Sessions live in memory and end on restart anyway, so per-process
    // cookie keys lose nothing.
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // Fixed lifetimes in seconds. For the ones left out, oidc-provider's
    // default functions log a notice on every use.
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      IdToken: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 86_400,
      Grant: 86_400,
    },
    findAccount: async (_ctx, accountId) => ({ accountId, claims: () => ({ sub: accountId }) }),
    // Allows a public client to call from the origins of its redirect URIs.
    // oidc-provider's default does the same but logs a notice on each use.
    clientBasedCORS: (_ctx, origin, corsClient) =>
      corsClient.clientAuthMethod === 'none' && (corsClient.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin),
    formats: {
      customizers: {
        // oidc-provider sets `sub` of a client credentials token to the
        // client id and lets no claim hook override it, so this customizer
        // sets it to the dev user or the requested subject.
        jwt: (ctx, token, jwt) => {
          if (token.kind !== 'ClientCredentials' || token.clientId !== client.clientId) {
            return;
          }
          jwt.payload.sub = requestedSubject(ctx) ?? DEV_SUBJECT;
        },
      },
    },
    features: {
      // The development login form accepts any login name and password.
      // oidc-provider's default `pkce.required` requires PKCE from the
      // public UI client.
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      // JWT access tokens need a resource server, which resource indicators
      // (RFC 8707) provide. Requests that name no resource get the audience's.
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => resource,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, resourceIndicator) => {
          if (resourceIndicator !== resource) {
            throw new errors.InvalidTarget(`resource ${resourceIndicator} is not served by this issuer, which serves only ${resource}`);
          }

          return {
            scope: API_SCOPE,
            audience,
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  };

  const provider = await withoutWarnings(EXPECTED_WARNINGS, () => new Provider(issuerUrl, configuration));
  const server = http.createServer(provider.callback());
  await listen(server, port, host);

  let stopped: Promise<void> | undefined;

  return {
    issuerUrl,
    jwksUrl: `${issuerUrl}/jwks`,
    clientId: client.clientId,
    mintToken: (subject?: string) => {
      if (subject !== undefined && subject.trim() === '') {
        return Promise.reject(new Error('Invalid token subject: expected a non-empty string, or no subject for the default dev user.'));
      }

      return requestClientCredentialsToken(client, subject);
    },
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });

      return stopped;
    },
  };
}

/**
 * Requests a token from the dev issuer of a running `pigeon dev`, which may
 * run in another process, using the CLI client stored in
 * `<dataDir>/dev-client.json`. The token's `sub` is {@link DEV_SUBJECT}.
 *
 * @throws Error when the file is missing or invalid, the issuer is not
 * running, or the issuer rejects the request.
 */
export async function fetchDevToken(dataDir: string): Promise<string> {
  const file = path.join(path.resolve(dataDir), CLIENT_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      throw new Error(`No dev client found at ${file}. Start \`pigeon dev\` with the same PIGEON_DATA_DIR first, which creates this file.`);
    }
    throw new Error(`Cannot read ${file} (${errorCode(error)}). Check its permissions.`);
  }

  const record = parseClientRecord(text, file);
  if (record === undefined) {
    throw new Error(`Invalid dev client file ${file}. Delete it and restart \`pigeon dev\` to recreate it.`);
  }

  return requestClientCredentialsToken(record);
}

function validateOptions(options: DevIssuerOptions): void {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new Error(`Invalid dev issuer port ${String(options.port)}: expected an integer from 1 to 65535.`);
  }
  if (options.host !== '127.0.0.1') {
    throw new Error(`Invalid dev issuer host ${String(options.host)}: only 127.0.0.1 is supported.`);
  }
  if (options.audience.trim() === '') {
    throw new Error('Invalid dev issuer audience: expected a non-empty string.');
  }
  if (options.audience === CLI_CLIENT_ID) {
    throw new Error(`Invalid dev issuer audience "${CLI_CLIENT_ID}": it is the CLI client's id, and the web UI client uses the audience as its id. Choose another audience.`);
  }
  for (const uri of options.uiRedirectUris) {
    if (URL.parse(uri) === null) {
      throw new Error(`Invalid web UI redirect URI "${uri}": expected an absolute URL such as http://127.0.0.1:3000/auth/callback.`);
    }
  }
}

/**
 * Returns the audience itself when it is an absolute URI without a fragment,
 * as RFC 8707 requires of a resource indicator, and otherwise a URN that
 * contains it. The token's `aud` is the audience either way.
 */
function resourceIndicatorFor(audience: string): string {
  const url = URL.parse(audience);
  if (url !== null && url.hash === '' && !audience.includes('#')) {
    return audience;
  }

  return `urn:pigeon:audience:${encodeURIComponent(audience)}`;
}

function buildClients(cli: DevClientRecord, audience: string, uiRedirectUris: string[]): ClientMetadata[] {
  const clients: ClientMetadata[] = [
    {
      client_id: cli.clientId,
      client_secret: cli.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ];
  if (uiRedirectUris.length > 0) {
    clients.push({
      client_id: audience,
      application_type: 'web',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      redirect_uris: uiRedirectUris,
      // Sign-out returns to the console's start page on the same origin.
      post_logout_redirect_uris: uiRedirectUris.map((uri) => new URL('/', uri).href),
    });
  }

  return clients;
}

function requestedSubject(ctx: KoaContextWithOIDC): string | undefined {
  const value = ctx.oidc.body?.[SUBJECT_PARAMETER];

  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Runs `work` with console warnings that contain any of `fragments` dropped.
 * oidc-provider 9.13.3 warns that Node 20 is unsupported (its tests pass on
 * Node 20.20) and that the in-memory adapter and dev interactions are for
 * development only, which is exactly what `pigeon dev` uses them for.
 */
async function withoutWarnings<T>(fragments: readonly string[], work: () => Promise<T> | T): Promise<T> {
  const originalWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && fragments.some((fragment) => (args[0] as string).includes(fragment))) {
      return;
    }
    originalWarn.apply(console, args);
  };

  try {
    return await work();
  } finally {
    console.warn = originalWarn;
  }
}

const EXPECTED_WARNINGS = ['oidc-provider WARNING: Unsupported runtime', 'in-memory adapter', 'devInteractions'];

/** Imports oidc-provider, which is ES-module-only. */
function importOidcProvider(): Promise<typeof import('oidc-provider')> {
  return withoutWarnings(EXPECTED_WARNINGS, () => import('oidc-provider'));
}

function readOrCreateSigningKeys(dataDir: string): SigningKeySet {
  const file = path.join(dataDir, KEYS_FILE);
  const text = readOptionalFile(file);
  if (text !== undefined) {
    const keySet = parseSigningKeys(text);
    if (keySet === undefined) {
      throw new Error(
        `Invalid signing key file ${file}: expected {"keys": [RSA private JWK, ...]}. ` +
          'Delete it to generate new keys; tokens signed with the old keys then stop verifying.',
      );
    }

    return keySet;
  }

  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const keySet: SigningKeySet = { keys: [{ ...jwk, kid: jwkThumbprint(jwk), alg: 'RS256', use: 'sig' }] };
  writePrivateJsonFile(file, keySet);

  return keySet;
}

function parseSigningKeys(text: string): SigningKeySet | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || !('keys' in value) || !Array.isArray(value.keys) || value.keys.length === 0) {
    return undefined;
  }
  const keys = value.keys as JsonWebKey[];
  const valid = keys.every((key) => key.kty === 'RSA' && typeof key.n === 'string' && typeof key.d === 'string' && typeof key.kid === 'string');

  return valid ? { keys } : undefined;
}

/** Computes the RFC 7638 thumbprint of an RSA key, used as its `kid`. */
function jwkThumbprint(jwk: JsonWebKey): string {
  const canonical = JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n });

  return createHash('sha256').update(canonical).digest('base64url');
}

/** Keeps the stored client id and secret, and records the current issuer URL and audience. */
function writeClientRecord(dataDir: string, endpoints: Omit<DevClientRecord, 'clientId' | 'clientSecret'>): DevClientRecord {
  const file = path.join(dataDir, CLIENT_FILE);
  const text = readOptionalFile(file);
  const stored = text === undefined ? undefined : parseClientRecord(text, file);

  const record: DevClientRecord = {
    ...endpoints,
    clientId: stored?.clientId ?? CLI_CLIENT_ID,
    clientSecret: stored?.clientSecret ?? randomBytes(32).toString('base64url'),
  };
  writePrivateJsonFile(file, record);

  return record;
}

function parseClientRecord(text: string, file: string): DevClientRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const record = value as Partial<Record<keyof DevClientRecord, unknown>>;
  const fields = [record.issuerUrl, record.tokenEndpoint, record.audience, record.resource, record.clientId, record.clientSecret];
  if (!fields.every((field) => typeof field === 'string' && field !== '')) {
    return undefined;
  }
  if (URL.parse(record.tokenEndpoint as string) === null) {
    throw new Error(`Invalid tokenEndpoint in ${file}. Delete the file and restart \`pigeon dev\` to recreate it.`);
  }

  return record as DevClientRecord;
}

/** Posts a client credentials token request and returns the access token. */
async function requestClientCredentialsToken(record: DevClientRecord, subject?: string): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', resource: record.resource });
  if (subject !== undefined) {
    body.set(SUBJECT_PARAMETER, subject);
  }
  // RFC 6749 section 2.3.1: the id and secret are form-encoded before Base64.
  const credentials = Buffer.from(`${encodeURIComponent(record.clientId)}:${encodeURIComponent(record.clientSecret)}`).toString('base64');

  let response: Response;
  try {
    response = await fetch(record.tokenEndpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    // fetch reports the socket error, such as ECONNREFUSED, as `cause`.
    const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
    const code = errorCode(cause ?? error);
    throw new Error(
      `Cannot reach the dev OIDC issuer at ${record.tokenEndpoint} (${code}). ` +
        'Start `pigeon dev` first, which runs the issuer. If it is running, check that it uses the same PIGEON_DATA_DIR.',
    );
  }

  const text = await response.text();
  let payload: Record<string, unknown> = {};
  try {
    payload = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // A non-JSON body is reported below together with the status.
  }

  if (!response.ok) {
    const reason = typeof payload.error === 'string' ? `${payload.error}: ${String(payload.error_description ?? '')}` : text.slice(0, 200);
    throw new Error(
      `The dev OIDC issuer at ${record.tokenEndpoint} rejected the token request for client ${record.clientId} with HTTP ${response.status} (${reason}). ` +
        'Restart `pigeon dev` so that the issuer and the stored client credentials match.',
    );
  }
  if (typeof payload.access_token !== 'string') {
    throw new Error(`The token response from ${record.tokenEndpoint} contains no access_token. Check that the URL belongs to the dev issuer of \`pigeon dev\`.`);
  }

  return payload.access_token;
}

async function listen(server: http.Server, port: number, host: string): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    if (errorCode(error) === 'EADDRINUSE') {
      throw new Error(`Port ${port} on ${host} is already in use, so the dev OIDC issuer cannot listen on it. Stop the process that uses it, or choose another issuer port.`);
    }
    throw new Error(`Cannot listen on ${host}:${port} for the dev OIDC issuer (${errorCode(error)}). Choose a free port above 1023.`);
  }
}

function readOptionalFile(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') {
      return undefined;
    }
    throw new Error(`Cannot read ${file} (${errorCode(error)}). Check its permissions.`);
  }
}

/** Writes JSON readable only by the owner, replacing the file atomically. */
function writePrivateJsonFile(file: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(temporary, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temporary, file);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new Error(`Cannot write ${file} (${errorCode(error)}). Set PIGEON_DATA_DIR to a writable directory, such as /tmp/pigeon.`);
  }
}

// Duck-typed because errors from Node's core modules fail `instanceof Error`
// inside Jest's module sandbox, which uses a separate realm.
function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }

  return errorMessage(error);
}

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    return error.message;
  }

  return String(error);
}
