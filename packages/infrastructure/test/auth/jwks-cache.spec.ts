import type { IssuerBehaviour } from '../../../../test-support/jwks-issuer';
import { rejectionOf, startFixture, TTL_MS, type VerifierFixture } from './verifier-fixture';

let fixture: VerifierFixture;

afterEach(async () => {
  await fixture.issuer.stop();
});

describe('JWKS cache of the token verifier', () => {
  beforeEach(async () => {
    fixture = await startFixture();
  });

  it('fetches the JWKS once within the TTL', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    await fixture.sut.verify(key.sign());
    fixture.clock.advance(TTL_MS - 1000);
    await fixture.sut.verify(key.sign());

    expect(fixture.issuer.jwksRequests()).toBe(1);
  });

  it('fetches the JWKS again after the TTL', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    await fixture.sut.verify(key.sign());
    fixture.clock.advance(TTL_MS);
    await fixture.sut.verify(key.sign());

    expect(fixture.issuer.jwksRequests()).toBe(2);
  });

  it('accepts a rotated key after one refetch', async () => {
    const oldKey = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(oldKey.sign());
    fixture.issuer.removeKey(oldKey);
    const newKey = fixture.issuer.addKey({ alg: 'RS256' });

    const actor = await fixture.sut.verify(newKey.sign({ sub: 'bob' }));

    expect(actor.subject).toBe('bob');
    expect(fixture.issuer.jwksRequests()).toBe(2);
  });

  it('refetches for an unknown kid once per 30 s', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(key.sign());

    const first = await rejectionOf(fixture.sut.verify(key.sign({}, { kid: 'unknown-1' })));
    const afterFirst = fixture.issuer.jwksRequests();
    fixture.clock.advance(29_000);
    const second = await rejectionOf(fixture.sut.verify(key.sign({}, { kid: 'unknown-2' })));
    const afterSecond = fixture.issuer.jwksRequests();
    fixture.clock.advance(1000);
    await rejectionOf(fixture.sut.verify(key.sign({}, { kid: 'unknown-3' })));
    const afterThird = fixture.issuer.jwksRequests();

    expect(first.message).toBe('no key in the issuer JWKS matches the token');
    expect(second.message).toBe('no key in the issuer JWKS matches the token');
    expect(afterFirst).toBe(2);
    expect(afterSecond).toBe(2);
    expect(afterThird).toBe(3);
  });

  it('shares one refetch between concurrent tokens', async () => {
    const oldKey = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(oldKey.sign());
    const newKey = fixture.issuer.addKey({ alg: 'ES256' });

    const actors = await Promise.all(Array.from({ length: 8 }, (_, index) => fixture.sut.verify(newKey.sign({ sub: `user-${index}` }))));

    expect(actors.map((actor) => actor.subject)).toEqual(Array.from({ length: 8 }, (_, index) => `user-${index}`));
    expect(fixture.issuer.jwksRequests()).toBe(2);
  });

  it('shares the first fetch concurrently', async () => {
    const key = fixture.issuer.addKey({ alg: 'EdDSA' });

    await Promise.all(Array.from({ length: 8 }, () => fixture.sut.verify(key.sign())));

    expect(fixture.issuer.jwksRequests()).toBe(1);
  });

  it.each<IssuerBehaviour>(['error', 'garbage', 'reset'])('serves cached keys on provider %s', async (behaviour) => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(key.sign());
    fixture.issuer.setBehaviour(behaviour);
    fixture.clock.advance(TTL_MS + 1000);

    const actor = await fixture.sut.verify(key.sign());

    expect(actor.subject).toBe('test-user');
    expect(fixture.issuer.jwksRequests()).toBe(2);
  });

  it('serves cached keys on unusable JWKS', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(key.sign());
    fixture.issuer.removeKey(key);
    fixture.issuer.addKey({ alg: 'HS256' });
    fixture.clock.advance(TTL_MS + 1000);

    const actor = await fixture.sut.verify(key.sign());

    expect(actor.subject).toBe('test-user');
  });

  it('serves cached keys on stopped provider', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(key.sign());
    await fixture.issuer.stop();
    fixture.clock.advance(TTL_MS + 1000);

    const actor = await fixture.sut.verify(key.sign());

    expect(actor.subject).toBe('test-user');
  });

  it('waits 30 s before retrying a failed fetch', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(key.sign());
    fixture.issuer.setBehaviour('error');
    fixture.clock.advance(TTL_MS + 1000);

    await fixture.sut.verify(key.sign());
    fixture.clock.advance(29_000);
    await fixture.sut.verify(key.sign());
    const withinInterval = fixture.issuer.jwksRequests();
    fixture.clock.advance(1000);
    await fixture.sut.verify(key.sign());

    expect(withinInterval).toBe(2);
    expect(fixture.issuer.jwksRequests()).toBe(3);
  });

  it('logs a failed fetch with the JWKS URL', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    fixture.issuer.setBehaviour('error');

    await rejectionOf(fixture.sut.verify(key.sign()));

    expect(fixture.logger.warnings).toEqual([
      { message: 'JWKS fetch failed', fields: { jwksUrl: fixture.issuer.jwksUrl, reason: 'HTTP status 500', usingCachedKeys: false } },
    ]);
  });

  it.each<IssuerBehaviour>(['error', 'garbage', 'reset'])('reports auth_unavailable on %s without cache', async (behaviour) => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    fixture.issuer.setBehaviour(behaviour);

    const error = await rejectionOf(fixture.sut.verify(key.sign()));

    expect(error.code).toBe('auth_unavailable');
    expect(error.message).toBe('signing keys of the token issuer are unavailable, try again later');
  });

  it('reports auth_unavailable on refused connection', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.issuer.stop();

    const error = await rejectionOf(fixture.sut.verify(key.sign()));

    expect(error.code).toBe('auth_unavailable');
  });

  it('recovers 30 s after a failure', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    fixture.issuer.setBehaviour('error');
    await rejectionOf(fixture.sut.verify(key.sign()));
    fixture.issuer.setBehaviour('serve');

    const soon = await rejectionOf(fixture.sut.verify(key.sign()));
    fixture.clock.advance(30_000);
    const actor = await fixture.sut.verify(key.sign());

    expect(soon.code).toBe('auth_unavailable');
    expect(actor.subject).toBe('test-user');
  });
});

describe('JWKS cache of the token verifier with a hanging provider', () => {
  beforeEach(async () => {
    fixture = await startFixture({ jwksTimeoutMs: 200 });
  });

  it('reports auth_unavailable on first timeout', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    fixture.issuer.setBehaviour('hang');

    const error = await rejectionOf(fixture.sut.verify(key.sign()));

    expect(error.code).toBe('auth_unavailable');
    expect(fixture.logger.warnings[0]?.fields.reason).toBe('timed out after 200 ms');
  });

  it('serves cached keys on refresh timeout', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    await fixture.sut.verify(key.sign());
    fixture.issuer.setBehaviour('hang');
    fixture.clock.advance(TTL_MS + 1000);

    const actor = await fixture.sut.verify(key.sign());

    expect(actor.subject).toBe('test-user');
    expect(fixture.logger.warnings[0]?.fields.usingCachedKeys).toBe(true);
  });
});
