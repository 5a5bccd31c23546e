import { isIP, isIPv4 } from 'node:net';

/** Settings of every process, read from the environment once at start-up. */
export interface PigeonConfig {
  readonly databaseUrl: string;
  readonly listen: { readonly host: string; readonly port: number };
  readonly logLevel: string;
  readonly bootstrap: {
    readonly enabled: boolean;
    readonly orgName: string;
    readonly orgSlug: string;
    readonly issuerUrl: string;
    readonly audience: string;
    readonly jwksUrl: string;
  };
  /** Domain under which `<slug>.<base domain>` serves an organization's sign-in settings, or null when subdomains are off. */
  readonly baseDomain: string | null;
  readonly jwksCacheTtlSeconds: number;
  readonly idempotencyTtlSeconds: number;
  readonly retentionDays: number;
  readonly worker: {
    readonly batchSize: number;
    readonly pollIntervalMs: number;
    readonly maxRetries: number;
    readonly backoffBaseSeconds: number;
    readonly maxBackoffSeconds: number;
    readonly retrySchedule: readonly number[];
    readonly httpTimeoutSeconds: number;
    readonly leaseSeconds: number;
    readonly cleanupIntervalSeconds: number;
    readonly autoDisableThreshold: number;
    readonly concurrency: number;
    readonly maxInFlightPerEndpoint: number;
    readonly allowPrivateNetworks: boolean;
    readonly allowedCidrs: readonly string[];
    readonly responseBodyMaxBytes: number;
  };
}

/** Thrown with every problem found, one line each, so an operator fixes them all at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Limits of the domain's organization and OIDC configuration rules, checked here so that start-up names the variable. */
const MAX_OIDC_FIELD_LENGTH = 2048;
const MAX_ORGANIZATION_NAME_LENGTH = 256;
const MAX_SLUG_LENGTH = 63;

/** Pino's level names, plus `silent`, which turns logging off. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const DNS_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

class Reader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** Reads a text value. An empty value counts as unset, as it does for every other kind of value. */
  text(name: string, fallback: string): string {
    const value = this.env[name];

    return value === undefined || value === '' ? fallback : value;
  }

  required(name: string, hint: string): string {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      this.problems.push(`${name} is missing: ${hint}`);

      return '';
    }

    return value;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.env[name];
    if (value === undefined || value === '') {
      return fallback;
    }
    if (value !== 'true' && value !== 'false') {
      this.problems.push(`${name}=${JSON.stringify(value)} is invalid: expected true or false`);

      return fallback;
    }

    return value === 'true';
  }

  /** Reads a value from a closed set, ignoring case and surrounding spaces. */
  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      return fallback;
    }

    const normalized = value.trim().toLowerCase();
    const match = allowed.find((candidate) => candidate === normalized);
    if (match === undefined) {
      this.problems.push(`${name}=${JSON.stringify(value)} is invalid: expected one of ${allowed.join(', ')}`);

      return fallback;
    }

    return match;
  }

  integer(name: string, fallback: number, min: number, max: number, unit: string): number {
    const value = this.env[name];
    if (value === undefined || value === '') {
      return fallback;
    }
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name}=${JSON.stringify(value)} is invalid: expected an integer from ${min} to ${max} (${unit})`);

      return fallback;
    }

    return Number(value);
  }

  list(name: string, check: (item: string) => boolean, expected: string): string[] {
    const value = this.env[name];
    if (value === undefined || value.trim() === '') {
      return [];
    }

    const items = value.split(',').map((item) => item.trim());
    const bad = items.filter((item) => !check(item));
    if (bad.length > 0) {
      this.problems.push(`${name}=${JSON.stringify(value)} is invalid: ${JSON.stringify(bad[0])} is not ${expected}`);
    }

    return items;
  }
}

function parseListenAddress(reader: Reader, raw: string): { host: string; port: number } {
  const match = /^(.+):(\d{1,5})$/.exec(raw);
  const port = Number(match?.[2]);
  const host = match?.[1]?.replace(/^\[(.*)\]$/, '$1');
  if (host === undefined || port > 65535 || !(isIP(host) !== 0 || DNS_NAME.test(host.toLowerCase()))) {
    reader.problems.push(`PIGEON_LISTEN_ADDR=${JSON.stringify(raw)} is invalid: expected host:port, e.g. 0.0.0.0:3000`);

    return { host: '0.0.0.0', port: 3000 };
  }

  return { host, port };
}

function isCidr(item: string): boolean {
  const [address, bits, ...rest] = item.split('/');
  if (address === undefined || bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits)) {
    return false;
  }

  return isIPv4(address) ? Number(bits) <= 32 : address.includes(':') && Number(bits) <= 128;
}

/**
 * Accepts an absolute http(s) URL of at most 2048 characters, the rule the
 * domain applies to OIDC settings. Whitespace is rejected rather than trimmed,
 * because issuers are compared with a token's `iss` byte for byte.
 */
function isUrl(value: string): boolean {
  if (value.length > MAX_OIDC_FIELD_LENGTH || /[\s\u0000-\u001f\u007f]/.test(value)) {
    return false;
  }

  try {
    const url = new URL(value);

    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Returns the URL with its password replaced by `***`, for error messages. For
 * a value that does not parse as a URL, everything between the scheme and the
 * last `@` is replaced.
 */
function redactDatabaseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password !== '') {
      url.password = '***';
    }

    return url.href;
  } catch {
    return value.replace(/^([^:/]*:\/\/).*@/, '$1***@');
  }
}

function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//.test(value) && URL.canParse(value);
}

function readDatabaseUrl(reader: Reader): string {
  const value = reader.required('DATABASE_URL', 'set it to a PostgreSQL URL such as postgres://user:password@host:5432/pigeon');
  if (value !== '' && !isPostgresUrl(value)) {
    reader.problems.push(
      `DATABASE_URL=${JSON.stringify(redactDatabaseUrl(value))} is invalid: expected a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/pigeon`,
    );
  }

  return value;
}

/** Reads PIGEON_BASE_DOMAIN: a bare DNS name such as `pigeon.example.com`, stored in lowercase because hosts compare case-insensitively. */
function parseBaseDomain(reader: Reader): string | null {
  const raw = reader.text('PIGEON_BASE_DOMAIN', '');
  const value = raw.trim().toLowerCase();
  if (value === '') {
    return null;
  }
  if (!DNS_NAME.test(value)) {
    reader.problems.push(
      `PIGEON_BASE_DOMAIN=${JSON.stringify(raw)} is invalid: expected a domain name such as pigeon.example.com, without scheme, port or path`,
    );

    return null;
  }

  return value;
}

const DAY = 86_400;

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env): PigeonConfig {
  const reader = new Reader(env);
  const databaseUrl = readDatabaseUrl(reader);

  const bootstrapEnabled = reader.bool('PIGEON_BOOTSTRAP_ORG_ENABLED', false);
  const orgName = reader.text('PIGEON_BOOTSTRAP_ORG_NAME', 'System');
  const orgSlug = reader.text('PIGEON_BOOTSTRAP_ORG_SLUG', 'system');
  const issuerUrl = reader.text('PIGEON_BOOTSTRAP_OIDC_ISSUER_URL', '');
  const audience = reader.text('PIGEON_BOOTSTRAP_OIDC_AUDIENCE', '');
  const jwksUrl = reader.text('PIGEON_BOOTSTRAP_OIDC_JWKS_URL', '');
  // These settings matter only while bootstrapping, so they are checked only then.
  if (bootstrapEnabled) {
    if (orgName.trim() === '' || orgName.length > MAX_ORGANIZATION_NAME_LENGTH) {
      reader.problems.push(
        `PIGEON_BOOTSTRAP_ORG_NAME=${JSON.stringify(orgName)} is invalid: expected a name of 1 to ${MAX_ORGANIZATION_NAME_LENGTH} characters, not only spaces`,
      );
    }
    if (!/^[a-z0-9-]+$/.test(orgSlug) || orgSlug.length > MAX_SLUG_LENGTH) {
      reader.problems.push(
        `PIGEON_BOOTSTRAP_ORG_SLUG=${JSON.stringify(orgSlug)} is invalid: expected 1 to ${MAX_SLUG_LENGTH} lowercase letters, digits and hyphens`,
      );
    }
    if (!isUrl(issuerUrl)) {
      reader.problems.push(`PIGEON_BOOTSTRAP_OIDC_ISSUER_URL=${JSON.stringify(issuerUrl)} is invalid: expected the issuer's http(s) URL because PIGEON_BOOTSTRAP_ORG_ENABLED=true`);
    }
    if (audience.trim() === '') {
      reader.problems.push('PIGEON_BOOTSTRAP_OIDC_AUDIENCE is missing: set the audience (client id) tokens carry, because PIGEON_BOOTSTRAP_ORG_ENABLED=true');
    } else if (audience.length > MAX_OIDC_FIELD_LENGTH) {
      reader.problems.push(`PIGEON_BOOTSTRAP_OIDC_AUDIENCE is invalid: expected at most ${MAX_OIDC_FIELD_LENGTH} characters, got ${audience.length}`);
    }
    if (jwksUrl !== '' && !isUrl(jwksUrl)) {
      reader.problems.push(`PIGEON_BOOTSTRAP_OIDC_JWKS_URL=${JSON.stringify(jwksUrl)} is invalid: expected an http(s) URL or nothing`);
    }
  }

  const httpTimeoutSeconds = reader.integer('PIGEON_WORKER_HTTP_TIMEOUT_SECS', 30, 1, 300, 'seconds');
  const leaseSeconds = reader.integer('PIGEON_WORKER_LEASE_SECS', httpTimeoutSeconds + 30, 2, 3600, 'seconds');
  if (leaseSeconds <= httpTimeoutSeconds) {
    reader.problems.push(
      `PIGEON_WORKER_LEASE_SECS=${leaseSeconds} is invalid: it must be longer than PIGEON_WORKER_HTTP_TIMEOUT_SECS (${httpTimeoutSeconds}), or a slow delivery would be claimed twice`,
    );
  }

  const config: PigeonConfig = {
    databaseUrl,
    listen: parseListenAddress(reader, reader.text('PIGEON_LISTEN_ADDR', '0.0.0.0:3000')),
    logLevel: reader.oneOf('PIGEON_LOG_LEVEL', 'info', LOG_LEVELS),
    bootstrap: {
      enabled: bootstrapEnabled,
      orgName,
      orgSlug,
      issuerUrl,
      audience,
      jwksUrl,
    },
    baseDomain: parseBaseDomain(reader),
    jwksCacheTtlSeconds: reader.integer('PIGEON_JWKS_CACHE_TTL_SECS', 3600, 1, 7 * DAY, 'seconds'),
    idempotencyTtlSeconds: reader.integer('PIGEON_IDEMPOTENCY_TTL_SECS', DAY, 1, 30 * DAY, 'seconds'),
    retentionDays: reader.integer('PIGEON_RETENTION_DAYS', 30, 0, 3650, 'days; 0 keeps everything'),
    worker: {
      batchSize: reader.integer('PIGEON_WORKER_BATCH_SIZE', 10, 1, 1000, 'attempts per claim'),
      pollIntervalMs: reader.integer('PIGEON_WORKER_POLL_INTERVAL_MS', 1000, 10, 60_000, 'milliseconds'),
      maxRetries: reader.integer('PIGEON_WORKER_MAX_RETRIES', 5, 1, 100, 'tries in total'),
      backoffBaseSeconds: reader.integer('PIGEON_WORKER_BACKOFF_BASE_SECS', 30, 0, DAY, 'seconds'),
      maxBackoffSeconds: reader.integer('PIGEON_WORKER_MAX_BACKOFF_SECS', 3600, 0, 7 * DAY, 'seconds'),
      retrySchedule: reader
        .list('PIGEON_WORKER_RETRY_SCHEDULE', (item) => /^\d{1,7}$/.test(item), 'a whole number of seconds')
        .map(Number),
      httpTimeoutSeconds,
      leaseSeconds,
      cleanupIntervalSeconds: reader.integer('PIGEON_WORKER_CLEANUP_INTERVAL_SECS', 3600, 1, DAY, 'seconds'),
      autoDisableThreshold: reader.integer('PIGEON_WORKER_AUTO_DISABLE_THRESHOLD', 5, 0, 1_000_000, 'dead letters; 0 turns it off'),
      concurrency: reader.integer('PIGEON_WORKER_CONCURRENCY', 64, 1, 4096, 'deliveries in flight per process'),
      maxInFlightPerEndpoint: reader.integer('PIGEON_WORKER_MAX_IN_FLIGHT_PER_ENDPOINT', 8, 1, 4096, 'deliveries in flight per endpoint'),
      allowPrivateNetworks: reader.bool('PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS', false),
      allowedCidrs: reader.list('PIGEON_WORKER_ALLOWED_CIDRS', isCidr, 'a CIDR range such as 10.0.0.0/8'),
      responseBodyMaxBytes: reader.integer('PIGEON_WORKER_RESPONSE_BODY_MAX_BYTES', 16_384, 0, 10 * 1024 * 1024, 'bytes'),
    },
  };

  if (reader.problems.length > 0) {
    throw new ConfigError(reader.problems);
  }

  return config;
}
