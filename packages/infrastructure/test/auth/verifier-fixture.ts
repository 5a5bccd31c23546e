import { Clock, type LogFields, Logger, OidcConfigRepository } from '@pigeon/application';
import { type OidcConfig, PigeonError } from '@pigeon/domain';

import { type JwksIssuer, startJwksIssuer } from '../../../../test-support/jwks-issuer';
import { OidcAccessTokenVerifier, type TokenVerifierOptions } from '../../src/auth/oidc-access-token-verifier';

export const ORG_ID = '0195f0c4-6b1e-7000-8000-000000000001';
export const TTL_MS = 3_600_000;

/** A clock that does not move until the test advances it. */
export class FakeClock extends Clock {
  private current = Date.now();

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}

export class CollectingLogger extends Logger {
  readonly warnings: Array<{ message: string; fields: LogFields }> = [];

  debug(): void {}

  info(): void {}

  warn(message: string, fields: LogFields = {}): void {
    this.warnings.push({ message, fields });
  }

  error(): void {}
}

export class InMemoryOidcConfigs extends OidcConfigRepository {
  constructor(private readonly configs: OidcConfig[]) {
    super();
  }

  async findByIssuer(issuerUrl: string): Promise<OidcConfig[]> {
    return this.configs.filter((config) => config.issuerUrl === issuerUrl);
  }
}

export function oidcConfig(issuer: JwksIssuer, overrides: Partial<OidcConfig> = {}): OidcConfig {
  return {
    id: '0195f0c4-6b1e-7000-8000-0000000000c1',
    orgId: ORG_ID,
    issuerUrl: issuer.issuerUrl,
    audience: issuer.audience,
    jwksUrl: issuer.jwksUrl,
    createdAt: new Date('2025-01-01T00:00:00Z'),
    version: 1,
    ...overrides,
  };
}

/** An issuer on 127.0.0.1, a verifier that trusts it, and the clock that both use. */
export interface VerifierFixture {
  readonly issuer: JwksIssuer;
  readonly clock: FakeClock;
  readonly logger: CollectingLogger;
  readonly sut: OidcAccessTokenVerifier;
}

export async function startFixture(options: Partial<TokenVerifierOptions> = {}, configs?: (issuer: JwksIssuer) => OidcConfig[]): Promise<VerifierFixture> {
  const clock = new FakeClock();
  const logger = new CollectingLogger();
  const issuer = await startJwksIssuer({ now: () => clock.now().getTime() });
  const sut = new OidcAccessTokenVerifier(new InMemoryOidcConfigs(configs?.(issuer) ?? [oidcConfig(issuer)]), clock, logger, {
    jwksCacheTtlMs: TTL_MS,
    jwksTimeoutMs: 5000,
    clockToleranceSeconds: 60,
    ...options,
  });

  return { issuer, clock, logger, sut };
}

/** Awaits a verification and returns its PigeonError; throws when it resolves or fails with another error. */
export async function rejectionOf(verification: Promise<unknown>): Promise<PigeonError> {
  const outcome = await verification.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof PigeonError)) {
    throw new Error(`expected a PigeonError, got ${String(outcome)}`);
  }

  return outcome;
}
