/** The server commands that read configuration from the environment. */
export type ConfiguredMode = 'serve' | 'api' | 'worker' | 'migrate';

/** One environment variable that `loadConfig` reads. */
export interface ConfigVariable {
  readonly name: string;
  /** Default as shown to operators, with `required` or `none` where there is no default value. */
  readonly defaultValue: string;
  /** One line for `--help`: what the variable sets, with its unit. */
  readonly summary: string;
  /** Modes whose behaviour the variable changes. Every mode validates every variable. */
  readonly modes: readonly ConfiguredMode[];
}

const ALL: readonly ConfiguredMode[] = ['serve', 'api', 'worker', 'migrate'];
const LISTENERS: readonly ConfiguredMode[] = ['serve', 'api', 'worker'];
const HTTP_API: readonly ConfiguredMode[] = ['serve', 'api'];
const DELIVERY: readonly ConfiguredMode[] = ['serve', 'worker'];

/**
 * Every variable `loadConfig` reads, in the order of the configuration
 * reference. A test fails when this list and `loadConfig` disagree.
 */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  { name: 'DATABASE_URL', defaultValue: 'required', summary: 'PostgreSQL URL, postgres://user:password@host:5432/db', modes: ALL },
  { name: 'PIGEON_LISTEN_ADDR', defaultValue: '0.0.0.0:3000', summary: 'host:port of the HTTP listener (the probe listener in worker)', modes: LISTENERS },
  { name: 'PIGEON_LOG_LEVEL', defaultValue: 'info', summary: 'trace, debug, info, warn, error, fatal or silent; JSON lines on stdout', modes: ALL },
  { name: 'PIGEON_BOOTSTRAP_ORG_ENABLED', defaultValue: 'false', summary: 'true creates the first organization when none exists and turns on /admin/v1', modes: HTTP_API },
  { name: 'PIGEON_BOOTSTRAP_ORG_NAME', defaultValue: 'System', summary: 'name of the bootstrap organization', modes: HTTP_API },
  { name: 'PIGEON_BOOTSTRAP_ORG_SLUG', defaultValue: 'system', summary: 'slug of the bootstrap organization, which is the admin organization', modes: HTTP_API },
  { name: 'PIGEON_BOOTSTRAP_OIDC_ISSUER_URL', defaultValue: 'none', summary: 'issuer URL of its tokens; required when bootstrapping', modes: HTTP_API },
  { name: 'PIGEON_BOOTSTRAP_OIDC_AUDIENCE', defaultValue: 'none', summary: 'audience its tokens carry; required when bootstrapping', modes: HTTP_API },
  { name: 'PIGEON_BOOTSTRAP_OIDC_JWKS_URL', defaultValue: 'discovered', summary: 'JWKS URL; empty means OIDC discovery from the issuer', modes: HTTP_API },
  { name: 'PIGEON_BASE_DOMAIN', defaultValue: 'none', summary: 'domain whose <slug>.<domain> hosts serve each organization\'s sign-in settings', modes: HTTP_API },
  { name: 'PIGEON_JWKS_CACHE_TTL_SECS', defaultValue: '3600', summary: 'seconds fetched token signing keys are trusted', modes: HTTP_API },
  { name: 'PIGEON_IDEMPOTENCY_TTL_SECS', defaultValue: '86400', summary: 'seconds an idempotency key deduplicates sends', modes: HTTP_API },
  { name: 'PIGEON_RETENTION_DAYS', defaultValue: '30', summary: 'days messages, attempts and dead letters are kept; 0 keeps them', modes: DELIVERY },
  { name: 'PIGEON_WORKER_BATCH_SIZE', defaultValue: '10', summary: 'attempts claimed per database query', modes: DELIVERY },
  { name: 'PIGEON_WORKER_POLL_INTERVAL_MS', defaultValue: '1000', summary: 'milliseconds of the longest idle sleep; NOTIFY wakes workers earlier', modes: DELIVERY },
  { name: 'PIGEON_WORKER_MAX_RETRIES', defaultValue: '5', summary: 'HTTP tries per attempt in total, the first included', modes: DELIVERY },
  { name: 'PIGEON_WORKER_BACKOFF_BASE_SECS', defaultValue: '30', summary: 'seconds before the second try; doubles after each further failure', modes: DELIVERY },
  { name: 'PIGEON_WORKER_MAX_BACKOFF_SECS', defaultValue: '3600', summary: 'seconds of the longest delay between tries', modes: DELIVERY },
  { name: 'PIGEON_WORKER_RETRY_SCHEDULE', defaultValue: 'none', summary: 'comma-separated delays in seconds, e.g. 5,300,1800; replaces the backoff formula', modes: DELIVERY },
  { name: 'PIGEON_WORKER_HTTP_TIMEOUT_SECS', defaultValue: '30', summary: 'seconds one delivery may take, connect to last response byte', modes: DELIVERY },
  { name: 'PIGEON_WORKER_LEASE_SECS', defaultValue: 'HTTP timeout + 30', summary: 'seconds a claimed attempt stays with its worker; must exceed the HTTP timeout', modes: DELIVERY },
  { name: 'PIGEON_WORKER_CLEANUP_INTERVAL_SECS', defaultValue: '3600', summary: 'seconds between retention runs', modes: DELIVERY },
  { name: 'PIGEON_WORKER_AUTO_DISABLE_THRESHOLD', defaultValue: '5', summary: 'dead letters since the last success that disable an endpoint; 0 turns it off', modes: DELIVERY },
  { name: 'PIGEON_WORKER_CONCURRENCY', defaultValue: '64', summary: 'deliveries in flight per process', modes: DELIVERY },
  { name: 'PIGEON_WORKER_MAX_IN_FLIGHT_PER_ENDPOINT', defaultValue: '8', summary: 'deliveries in flight to one endpoint per process', modes: DELIVERY },
  { name: 'PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS', defaultValue: 'false', summary: 'true allows loopback, private and CGNAT destinations (development only)', modes: DELIVERY },
  { name: 'PIGEON_WORKER_ALLOWED_CIDRS', defaultValue: 'none', summary: 'comma-separated CIDR ranges exempt from the destination guard', modes: DELIVERY },
  { name: 'PIGEON_WORKER_RESPONSE_BODY_MAX_BYTES', defaultValue: '16384', summary: 'bytes of a receiver\'s response body that are stored', modes: DELIVERY },
];

/**
 * `PIGEON_` variables that belong to other commands or tools: `pigeon dev`,
 * the token `pigeon dev` prints, the test suite and the client generator.
 */
const OTHER_PIGEON_VARIABLES = [/^PIGEON_DEV_/, /^PIGEON_TEST_/, /^PIGEON_DATA_DIR$/, /^PIGEON_TOKEN$/, /^PIGEON_CLIENT_OUTPUT$/];

/** Returns the `PIGEON_` variables in `env` that no part of Pigeon reads, typically misspelled names. */
export function unknownPigeonVariables(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set(CONFIG_VARIABLES.map((variable) => variable.name));

  return Object.keys(env)
    .filter((name) => name.startsWith('PIGEON_') && !known.has(name))
    .filter((name) => !OTHER_PIGEON_VARIABLES.some((pattern) => pattern.test(name)))
    .sort();
}
