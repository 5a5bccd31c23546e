import { ConfigError, loadConfig } from '../src/config/config';

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

    expect(problems).toEqual(['DATABASE_URL is invalid: expected a URL starting with postgres:// or postgresql://']);
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
