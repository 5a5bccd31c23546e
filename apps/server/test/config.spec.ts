import { ConfigError, loadConfig } from '../src/config/config';
import { CONFIG_VARIABLES, unknownPigeonVariables } from '../src/config/variables';

const BASE = { DATABASE_URL: 'postgres://pigeon:secret@127.0.0.1:5432/pigeon' };

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }

  return [];
}

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const sut = loadConfig(BASE);

    expect(sut.listen).toEqual({ host: '0.0.0.0', port: 3000 });
    expect(sut.worker.maxRetries).toBe(5);
    expect(sut.worker.backoffBaseSeconds).toBe(30);
    expect(sut.worker.leaseSeconds).toBe(60);
    expect(sut.worker.allowPrivateNetworks).toBe(false);
    expect(sut.idempotencyTtlSeconds).toBe(86_400);
    expect(sut.bootstrap.enabled).toBe(false);
  });

  it('requires DATABASE_URL', () => {
    const problems = problemsOf({});

    expect(problems).toEqual([
      'DATABASE_URL is missing: set it to a PostgreSQL URL such as postgres://user:password@host:5432/pigeon',
    ]);
  });

  it('rejects a DATABASE_URL of another scheme', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://localhost/pigeon' });

    expect(problems).toEqual([
      'DATABASE_URL="mysql://localhost/pigeon" is invalid: expected a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/pigeon',
    ]);
  });

  it('names the variable, the value and the expectation for each bad value', () => {
    const problems = problemsOf({
      ...BASE,
      PIGEON_WORKER_MAX_RETRIES: 'five',
      PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS: 'yes',
      PIGEON_LISTEN_ADDR: 'localhost',
      PIGEON_WORKER_ALLOWED_CIDRS: '10.0.0.0/8,10.0.0.1',
      PIGEON_WORKER_RETRY_SCHEDULE: '5,soon',
    });

    expect(problems).toEqual([
      'PIGEON_LISTEN_ADDR="localhost" is invalid: expected host:port, e.g. 0.0.0.0:3000',
      'PIGEON_WORKER_MAX_RETRIES="five" is invalid: expected an integer from 1 to 100 (tries in total)',
      'PIGEON_WORKER_RETRY_SCHEDULE="5,soon" is invalid: "soon" is not a whole number of seconds',
      'PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS="yes" is invalid: expected true or false',
      'PIGEON_WORKER_ALLOWED_CIDRS="10.0.0.0/8,10.0.0.1" is invalid: "10.0.0.1" is not a CIDR range such as 10.0.0.0/8',
    ]);
  });

  it('requires the issuer and audience when bootstrapping', () => {
    const problems = problemsOf({ ...BASE, PIGEON_BOOTSTRAP_ORG_ENABLED: 'true' });

    expect(problems).toEqual([
      'PIGEON_BOOTSTRAP_OIDC_ISSUER_URL="" is invalid: expected the issuer\'s http(s) URL because PIGEON_BOOTSTRAP_ORG_ENABLED=true',
      'PIGEON_BOOTSTRAP_OIDC_AUDIENCE is missing: set the audience (client id) tokens carry, because PIGEON_BOOTSTRAP_ORG_ENABLED=true',
    ]);
  });

  it('rejects a lease no longer than the HTTP timeout', () => {
    const problems = problemsOf({ ...BASE, PIGEON_WORKER_HTTP_TIMEOUT_SECS: '30', PIGEON_WORKER_LEASE_SECS: '30' });

    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PIGEON_WORKER_LEASE_SECS=30 is invalid: it must be longer than PIGEON_WORKER_HTTP_TIMEOUT_SECS \(30\)/);
  });

  it('parses a retry schedule and allowed ranges', () => {
    const sut = loadConfig({ ...BASE, PIGEON_WORKER_RETRY_SCHEDULE: '5, 300,1800', PIGEON_WORKER_ALLOWED_CIDRS: '10.0.0.0/8,fd00::/8' });

    expect(sut.worker.retrySchedule).toEqual([5, 300, 1800]);
    expect(sut.worker.allowedCidrs).toEqual(['10.0.0.0/8', 'fd00::/8']);
  });

  it('turns subdomain tenancy off without a base domain', () => {
    const sut = loadConfig(BASE);

    expect(sut.baseDomain).toBeNull();
  });

  it('reads the base domain in lowercase', () => {
    const sut = loadConfig({ ...BASE, PIGEON_BASE_DOMAIN: 'Pigeon.Example.com' });

    expect(sut.baseDomain).toBe('pigeon.example.com');
  });

  it.each([['https://pigeon.example.com'], ['pigeon.example.com:443'], ['pigeon.example.com/ui'], ['-pigeon.example.com'], ['pigeon..example.com']])(
    'rejects the base domain %s',
    (value) => {
      const problems = problemsOf({ ...BASE, PIGEON_BASE_DOMAIN: value });

      expect(problems).toEqual([
        `PIGEON_BASE_DOMAIN=${JSON.stringify(value)} is invalid: expected a domain name such as pigeon.example.com, without scheme, port or path`,
      ]);
    },
  );

  it('reports every problem in the error message', () => {
    expect(() => loadConfig({ PIGEON_WORKER_BATCH_SIZE: '0' })).toThrow(
      /invalid configuration:\n {2}- DATABASE_URL is missing.*\n {2}- PIGEON_WORKER_BATCH_SIZE="0" is invalid/s,
    );
  });
});

describe('loadConfig validation messages', () => {
  const BOOTSTRAP = {
    ...BASE,
    PIGEON_BOOTSTRAP_ORG_ENABLED: 'true',
    PIGEON_BOOTSTRAP_OIDC_ISSUER_URL: 'https://issuer.example.com',
    PIGEON_BOOTSTRAP_OIDC_AUDIENCE: 'pigeon',
  };

  it('hides the password of a DATABASE_URL of another scheme', () => {
    const problems = problemsOf({ DATABASE_URL: 'mysql://pigeon:hunter2@db.internal/pigeon' });

    expect(problems).toEqual([
      'DATABASE_URL="mysql://pigeon:***@db.internal/pigeon" is invalid: expected a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/pigeon',
    ]);
  });

  it('hides the credentials of a DATABASE_URL that does not parse', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://pigeon:hunter2@db.internal:99999/pigeon' });

    expect(problems).toEqual([
      'DATABASE_URL="postgres://***@db.internal:99999/pigeon" is invalid: expected a postgres:// or postgresql:// URL such as postgres://user:password@host:5432/pigeon',
    ]);
  });

  it('accepts a postgresql:// URL', () => {
    const sut = loadConfig({ DATABASE_URL: 'postgresql://pigeon@db.internal/pigeon?sslmode=require' });

    expect(sut.databaseUrl).toBe('postgresql://pigeon@db.internal/pigeon?sslmode=require');
  });

  it('rejects an unknown log level', () => {
    const problems = problemsOf({ ...BASE, PIGEON_LOG_LEVEL: 'verbose' });

    expect(problems).toEqual([
      'PIGEON_LOG_LEVEL="verbose" is invalid: expected one of trace, debug, info, warn, error, fatal, silent',
    ]);
  });

  it('treats empty values as unset', () => {
    const sut = loadConfig({ ...BASE, PIGEON_LISTEN_ADDR: '', PIGEON_BOOTSTRAP_ORG_NAME: '', PIGEON_WORKER_MAX_RETRIES: '', PIGEON_LOG_LEVEL: '' });

    expect(sut.listen).toEqual({ host: '0.0.0.0', port: 3000 });
    expect(sut.bootstrap.orgName).toBe('System');
    expect(sut.worker.maxRetries).toBe(5);
    expect(sut.logLevel).toBe('info');
  });

  it('reads the log level in any case', () => {
    const sut = loadConfig({ ...BASE, PIGEON_LOG_LEVEL: ' DEBUG ' });

    expect(sut.logLevel).toBe('debug');
  });

  it.each([['localhost'], ['local host:3000'], ['0.0.0.0:70000'], ['http://0.0.0.0:3000'], [':3000']])('rejects the listen address %s', (value) => {
    const problems = problemsOf({ ...BASE, PIGEON_LISTEN_ADDR: value });

    expect(problems).toEqual([`PIGEON_LISTEN_ADDR=${JSON.stringify(value)} is invalid: expected host:port, e.g. 0.0.0.0:3000`]);
  });

  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['[::]:3000', { host: '::', port: 3000 }],
    ['pigeon.internal:3000', { host: 'pigeon.internal', port: 3000 }],
  ])('reads the listen address %s', (value, expected) => {
    const sut = loadConfig({ ...BASE, PIGEON_LISTEN_ADDR: value });

    expect(sut.listen).toEqual(expected);
  });

  it.each([
    ['PIGEON_JWKS_CACHE_TTL_SECS', '0', 'an integer from 1 to 604800 (seconds)'],
    ['PIGEON_IDEMPOTENCY_TTL_SECS', '2592001', 'an integer from 1 to 2592000 (seconds)'],
    ['PIGEON_RETENTION_DAYS', '-1', 'an integer from 0 to 3650 (days; 0 keeps everything)'],
    ['PIGEON_WORKER_BATCH_SIZE', '1001', 'an integer from 1 to 1000 (attempts per claim)'],
    ['PIGEON_WORKER_POLL_INTERVAL_MS', '5', 'an integer from 10 to 60000 (milliseconds)'],
    ['PIGEON_WORKER_MAX_RETRIES', '0', 'an integer from 1 to 100 (tries in total)'],
    ['PIGEON_WORKER_BACKOFF_BASE_SECS', '1.5', 'an integer from 0 to 86400 (seconds)'],
    ['PIGEON_WORKER_MAX_BACKOFF_SECS', '604801', 'an integer from 0 to 604800 (seconds)'],
    ['PIGEON_WORKER_HTTP_TIMEOUT_SECS', '301', 'an integer from 1 to 300 (seconds)'],
    ['PIGEON_WORKER_CLEANUP_INTERVAL_SECS', '0', 'an integer from 1 to 86400 (seconds)'],
    ['PIGEON_WORKER_AUTO_DISABLE_THRESHOLD', 'off', 'an integer from 0 to 1000000 (dead letters; 0 turns it off)'],
    ['PIGEON_WORKER_CONCURRENCY', '0', 'an integer from 1 to 4096 (deliveries in flight per process)'],
    ['PIGEON_WORKER_MAX_IN_FLIGHT_PER_ENDPOINT', '4097', 'an integer from 1 to 4096 (deliveries in flight per endpoint)'],
    ['PIGEON_WORKER_RESPONSE_BODY_MAX_BYTES', '16k', 'an integer from 0 to 10485760 (bytes)'],
  ])('rejects %s=%s', (name, value, expected) => {
    const problems = problemsOf({ ...BASE, [name]: value });

    expect(problems).toEqual([`${name}=${JSON.stringify(value)} is invalid: expected ${expected}`]);
  });

  it('rejects a lease outside its range', () => {
    const problems = problemsOf({ ...BASE, PIGEON_WORKER_LEASE_SECS: '1' });

    expect(problems).toEqual(['PIGEON_WORKER_LEASE_SECS="1" is invalid: expected an integer from 2 to 3600 (seconds)']);
  });

  it.each([['PIGEON_BOOTSTRAP_ORG_ENABLED'], ['PIGEON_WORKER_ALLOW_PRIVATE_NETWORKS']])('rejects %s=1', (name) => {
    const problems = problemsOf({ ...BASE, [name]: '1' });

    expect(problems).toEqual([`${name}="1" is invalid: expected true or false`]);
  });

  it('rejects an empty retry schedule item', () => {
    const problems = problemsOf({ ...BASE, PIGEON_WORKER_RETRY_SCHEDULE: '5,,60' });

    expect(problems).toEqual(['PIGEON_WORKER_RETRY_SCHEDULE="5,,60" is invalid: "" is not a whole number of seconds']);
  });

  it('rejects an IPv6 range wider than 128 bits', () => {
    const problems = problemsOf({ ...BASE, PIGEON_WORKER_ALLOWED_CIDRS: 'fd00::/129' });

    expect(problems).toEqual(['PIGEON_WORKER_ALLOWED_CIDRS="fd00::/129" is invalid: "fd00::/129" is not a CIDR range such as 10.0.0.0/8']);
  });

  it('accepts complete bootstrap settings', () => {
    const sut = loadConfig({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_ORG_NAME: 'Acme', PIGEON_BOOTSTRAP_ORG_SLUG: 'acme-ops' });

    expect(sut.bootstrap).toEqual({
      enabled: true,
      orgName: 'Acme',
      orgSlug: 'acme-ops',
      issuerUrl: 'https://issuer.example.com',
      audience: 'pigeon',
      jwksUrl: '',
    });
  });

  it('rejects a blank bootstrap organization name', () => {
    const problems = problemsOf({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_ORG_NAME: '  ' });

    expect(problems).toEqual(['PIGEON_BOOTSTRAP_ORG_NAME="  " is invalid: expected a name of 1 to 256 characters, not only spaces']);
  });

  it('rejects a bootstrap organization name over 256 characters', () => {
    const name = 'n'.repeat(257);

    const problems = problemsOf({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_ORG_NAME: name });

    expect(problems).toEqual([`PIGEON_BOOTSTRAP_ORG_NAME="${name}" is invalid: expected a name of 1 to 256 characters, not only spaces`]);
  });

  it.each([['Ops'], ['ops team'], [' '], ['o'.repeat(64)]])('rejects the bootstrap slug %j', (slug) => {
    const problems = problemsOf({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_ORG_SLUG: slug });

    expect(problems).toEqual([
      `PIGEON_BOOTSTRAP_ORG_SLUG=${JSON.stringify(slug)} is invalid: expected 1 to 63 lowercase letters, digits and hyphens`,
    ]);
  });

  it.each([['issuer.example.com'], ['https://issuer.example.com '], ['ftp://issuer.example.com']])('rejects the issuer URL %j', (url) => {
    const problems = problemsOf({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_OIDC_ISSUER_URL: url });

    expect(problems).toEqual([
      `PIGEON_BOOTSTRAP_OIDC_ISSUER_URL=${JSON.stringify(url)} is invalid: expected the issuer's http(s) URL because PIGEON_BOOTSTRAP_ORG_ENABLED=true`,
    ]);
  });

  it('rejects an audience over 2048 characters', () => {
    const problems = problemsOf({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_OIDC_AUDIENCE: 'a'.repeat(2049) });

    expect(problems).toEqual(['PIGEON_BOOTSTRAP_OIDC_AUDIENCE is invalid: expected at most 2048 characters, got 2049']);
  });

  it('rejects a JWKS URL that is not http(s)', () => {
    const problems = problemsOf({ ...BOOTSTRAP, PIGEON_BOOTSTRAP_OIDC_JWKS_URL: 'issuer.example.com/jwks' });

    expect(problems).toEqual(['PIGEON_BOOTSTRAP_OIDC_JWKS_URL="issuer.example.com/jwks" is invalid: expected an http(s) URL or nothing']);
  });

  it('ignores bootstrap settings while bootstrapping is off', () => {
    const problems = problemsOf({ ...BASE, PIGEON_BOOTSTRAP_ORG_SLUG: 'Not A Slug', PIGEON_BOOTSTRAP_OIDC_ISSUER_URL: 'nonsense' });

    expect(problems).toEqual([]);
  });
});

describe('CONFIG_VARIABLES', () => {
  it('lists exactly the variables loadConfig reads', () => {
    const read = new Set<string>();
    const env = new Proxy<Record<string, string | undefined>>(
      {},
      {
        get(_target, name) {
          if (typeof name === 'string') {
            read.add(name);
          }

          return name === 'DATABASE_URL' ? BASE.DATABASE_URL : undefined;
        },
      },
    );

    loadConfig(env);

    expect([...read].sort()).toEqual(CONFIG_VARIABLES.map((variable) => variable.name).sort());
  });

  it('names each variable once', () => {
    const names = CONFIG_VARIABLES.map((variable) => variable.name);

    expect(new Set(names).size).toBe(names.length);
  });
});

describe('unknownPigeonVariables', () => {
  it('returns misspelled names', () => {
    const sut = unknownPigeonVariables({ ...BASE, PIGEON_WORKER_MAX_RETRY: '3', PIGEON_LOGLEVEL: 'debug', PIGEON_LOG_LEVEL: 'info' });

    expect(sut).toEqual(['PIGEON_LOGLEVEL', 'PIGEON_WORKER_MAX_RETRY']);
  });

  it('skips the variables of pigeon dev, tests and tools', () => {
    const sut = unknownPigeonVariables({
      PIGEON_DATA_DIR: './.pigeon',
      PIGEON_DEV_PORT: '3100',
      PIGEON_TOKEN: 'eyJ',
      PIGEON_TEST_DATABASE_URL: 'postgres://localhost/postgres',
      PIGEON_CLIENT_OUTPUT: '/tmp/client',
      HOME: '/root',
    });

    expect(sut).toEqual([]);
  });
});
