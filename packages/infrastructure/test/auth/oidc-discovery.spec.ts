import { type JwksIssuer, startJwksIssuer } from '../../../../test-support/jwks-issuer';
import { discoverJwksUrl } from '../../src/auth/oidc-discovery';

describe('discoverJwksUrl', () => {
  let issuer: JwksIssuer;

  beforeEach(async () => {
    issuer = await startJwksIssuer();
  });

  afterEach(async () => {
    await issuer.stop();
  });

  it('returns the jwks_uri of the discovery document', async () => {
    const jwksUrl = await discoverJwksUrl(`${issuer.issuerUrl}/`);

    expect(jwksUrl).toBe(issuer.jwksUrl);
  });

  it('falls back to jwks.json when discovery fails', async () => {
    issuer.setBehaviour('error');

    const jwksUrl = await discoverJwksUrl(issuer.issuerUrl);

    expect(jwksUrl).toBe(`${issuer.issuerUrl}/.well-known/jwks.json`);
  });

  it('falls back to jwks.json when discovery times out', async () => {
    issuer.setBehaviour('hang');

    const jwksUrl = await discoverJwksUrl(issuer.issuerUrl, 200);

    expect(jwksUrl).toBe(`${issuer.issuerUrl}/.well-known/jwks.json`);
  });
});
