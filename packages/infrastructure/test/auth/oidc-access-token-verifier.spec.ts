import type { OidcConfig } from '@pigeon/domain';

import { startJwksIssuer, unsignedJwt, type JwksIssuer } from '../../../../test-support/jwks-issuer';
import { TOKEN_CACHE_MS } from '../../src/auth/oidc-access-token-verifier';
import { oidcConfig, ORG_ID, rejectionOf, startFixture, type VerifierFixture } from './verifier-fixture';

let fixture: VerifierFixture;
const extraIssuers: JwksIssuer[] = [];

beforeEach(async () => {
  fixture = await startFixture();
});

afterEach(async () => {
  await fixture.issuer.stop();
  for (const issuer of extraIssuers.splice(0)) {
    await issuer.stop();
  }
});

describe('OidcAccessTokenVerifier algorithms', () => {
  it.each(['RS256', 'PS256', 'ES256', 'EdDSA'] as const)('accepts a %s token', async (alg) => {
    const key = fixture.issuer.addKey({ alg });

    const actor = await fixture.sut.verify(key.sign({ sub: 'alice' }));

    expect(actor).toEqual({ orgId: ORG_ID, subject: 'alice' });
  });

  it('rejects HS256 signed with a JWKS oct key', async () => {
    fixture.issuer.addKey({ alg: 'RS256' });
    const hmacKey = fixture.issuer.addKey({ alg: 'HS256' });

    const error = await rejectionOf(fixture.sut.verify(hmacKey.sign()));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token algorithm is not allowed');
  });

  it('rejects the none algorithm', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const now = Math.floor(fixture.clock.now().getTime() / 1000);
    const token = unsignedJwt({ kid: key.kid }, { iss: fixture.issuer.issuerUrl, aud: fixture.issuer.audience, sub: 'mallory', exp: now + 600 });

    const error = await rejectionOf(fixture.sut.verify(token));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token algorithm is not allowed');
  });

  it('rejects RS256 for a PS256 key', async () => {
    fixture.issuer.addKey({ alg: 'ES256' });
    const key = fixture.issuer.addKey({ alg: 'RS256', jwk: { alg: 'PS256' } });

    const error = await rejectionOf(fixture.sut.verify(key.sign()));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('no key in the issuer JWKS matches the token');
  });

  it.each([
    ['use enc', { use: 'enc' }],
    ['key_ops without verify', { key_ops: ['encrypt'] }],
  ])('ignores a key with %s', async (_case, members) => {
    fixture.issuer.addKey({ alg: 'ES256' });
    const key = fixture.issuer.addKey({ alg: 'RS256', jwk: members });

    const error = await rejectionOf(fixture.sut.verify(key.sign()));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('no key in the issuer JWKS matches the token');
  });

  it('rejects a token whose kid names an oct key', async () => {
    const rsa = fixture.issuer.addKey({ alg: 'RS256' });
    const oct = fixture.issuer.addKey({ alg: 'HS256' });

    const error = await rejectionOf(fixture.sut.verify(rsa.sign({}, { kid: oct.kid })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('no key in the issuer JWKS matches the token');
  });

  it('rejects a signature by another key', async () => {
    const published = fixture.issuer.addKey({ alg: 'RS256', kid: 'main' });
    const other = fixture.issuer.addKey({ alg: 'RS256', kid: 'other' });
    fixture.issuer.removeKey(other);

    const error = await rejectionOf(fixture.sut.verify(other.sign({}, { kid: published.kid })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token signature is invalid');
  });

  it('never follows the jku header', async () => {
    fixture.issuer.addKey({ alg: 'RS256' });
    const attacker = await startJwksIssuer();
    extraIssuers.push(attacker);
    const forgedKey = attacker.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(forgedKey.sign({ iss: fixture.issuer.issuerUrl }, { jku: attacker.jwksUrl, x5u: attacker.jwksUrl })));

    expect(error.code).toBe('unauthenticated');
    expect(attacker.jwksRequests()).toBe(0);
  });
});

describe('OidcAccessTokenVerifier kid', () => {
  it('accepts no kid with one key', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const actor = await fixture.sut.verify(key.sign({}, { kid: undefined }));

    expect(actor).toEqual({ orgId: ORG_ID, subject: 'test-user' });
  });

  it('accepts no kid with one key of its type', async () => {
    fixture.issuer.addKey({ alg: 'ES256' });
    const key = fixture.issuer.addKey({ alg: 'EdDSA', kid: null });

    const actor = await fixture.sut.verify(key.sign());

    expect(actor.subject).toBe('test-user');
  });

  it('rejects no kid with two keys', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    fixture.issuer.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(key.sign({}, { kid: undefined })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token has no kid and the issuer JWKS has several keys');
  });
});

describe('OidcAccessTokenVerifier claims', () => {
  it('accepts an aud array that contains the audience', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const actor = await fixture.sut.verify(key.sign({ aud: ['billing', fixture.issuer.audience, 'reports'] }));

    expect(actor.orgId).toBe(ORG_ID);
  });

  it('rejects an aud array without the audience', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(key.sign({ aud: ['billing', 'reports'] })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('unknown issuer or audience');
  });

  it('rejects an unknown issuer', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(key.sign({ iss: 'https://issuer.example' })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('unknown issuer or audience');
    expect(fixture.issuer.jwksRequests()).toBe(0);
  });

  it('rejects an aud matching two organizations', async () => {
    await fixture.issuer.stop();
    fixture = await startFixture({}, (issuer) => [
      oidcConfig(issuer),
      oidcConfig(issuer, { id: '0195f0c4-6b1e-7000-8000-0000000000c2', orgId: '0195f0c4-6b1e-7000-8000-000000000002', audience: 'second' }),
    ]);
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(key.sign({ aud: [fixture.issuer.audience, 'second'] })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token audience matches several organizations');
  });

  it('rejects a token without exp', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(key.sign({ exp: undefined })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token has no exp claim');
  });

  it('accepts a token 59 s after exp', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const token = key.sign();
    fixture.clock.advance(3600_000 + 59_000);

    const actor = await fixture.sut.verify(token);

    expect(actor.subject).toBe('test-user');
  });

  it('rejects a token 61 s after exp', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const token = key.sign();
    fixture.clock.advance(3600_000 + 61_000);

    const error = await rejectionOf(fixture.sut.verify(token));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token expired');
  });

  it('accepts a token 59 s before nbf', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const now = Math.floor(fixture.clock.now().getTime() / 1000);

    const actor = await fixture.sut.verify(key.sign({ nbf: now + 59 }));

    expect(actor.subject).toBe('test-user');
  });

  it('rejects a token 61 s before nbf', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const now = Math.floor(fixture.clock.now().getTime() / 1000);

    const error = await rejectionOf(fixture.sut.verify(key.sign({ nbf: now + 61 })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token is not valid yet (nbf)');
  });

  it('rejects a token without sub', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });

    const error = await rejectionOf(fixture.sut.verify(key.sign({ sub: undefined })));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('token has no sub claim');
  });

  it.each([
    ['a single word', 'not-a-jwt'],
    ['three garbage parts', 'abc.def.ghi'],
  ])('rejects %s as malformed', async (_case, token) => {
    const error = await rejectionOf(fixture.sut.verify(token));

    expect(error.code).toBe('unauthenticated');
    expect(error.message).toBe('malformed token');
  });
});

describe('OidcAccessTokenVerifier remembered tokens', () => {
  async function withShortJwksCache(): Promise<void> {
    await fixture.issuer.stop();
    fixture = await startFixture({ jwksCacheTtlMs: 1000 });
  }

  it('reuses a verified token for 30 s', async () => {
    await withShortJwksCache();
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const token = key.sign({ sub: 'alice' });
    await fixture.sut.verify(token);
    fixture.issuer.removeKey(key);
    fixture.clock.advance(TOKEN_CACHE_MS - 1);

    const actor = await fixture.sut.verify(token);

    expect(actor).toEqual({ orgId: ORG_ID, subject: 'alice' });
    expect(fixture.issuer.jwksRequests()).toBe(1);
  });

  it('checks the token again after 30 s', async () => {
    await withShortJwksCache();
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const token = key.sign({ sub: 'alice' });
    await fixture.sut.verify(token);
    fixture.clock.advance(TOKEN_CACHE_MS);

    const actor = await fixture.sut.verify(token);

    expect(actor.subject).toBe('alice');
    expect(fixture.issuer.jwksRequests()).toBe(2);
  });

  it('remembers no token past its exp', async () => {
    const key = fixture.issuer.addKey({ alg: 'RS256' });
    const now = Math.floor(fixture.clock.now().getTime() / 1000);
    const token = key.sign({ exp: now + 10 });
    await fixture.sut.verify(token);
    fixture.clock.advance(71_000);

    const error = await rejectionOf(fixture.sut.verify(token));

    expect(error.message).toBe('token expired');
  });

  it('rejects a remembered token of a removed config', async () => {
    const configs: OidcConfig[] = [];
    await fixture.issuer.stop();
    fixture = await startFixture({}, (issuer) => {
      configs.push(oidcConfig(issuer));

      return configs;
    });
    const token = fixture.issuer.addKey({ alg: 'RS256' }).sign();
    await fixture.sut.verify(token);
    configs.splice(0);

    const error = await rejectionOf(fixture.sut.verify(token));

    expect(error.message).toBe('unknown issuer or audience');
  });
});
