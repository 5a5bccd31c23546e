import { generateKeyPairSync } from 'node:crypto';

import { signJwt, startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

describe('API authentication', () => {
  let pigeon: PigeonUnderTest;
  let stranger: TestIssuer;

  beforeAll(async () => {
    pigeon = await startPigeon();
    stranger = await startTestIssuer(pigeon.issuer.audience);
  });

  afterAll(async () => {
    await pigeon?.stop();
    await stranger?.stop();
  });

  const list = (token: string | null, headers: Record<string, string> = {}) =>
    pigeon.request('GET', '/api/v1/applications', undefined, { token, headers });

  it('accepts a token of the bootstrap issuer', async () => {
    const response = await list(pigeon.issuer.token());

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ items: [], total: 0, offset: 0, limit: 20 });
  });

  it.each([
    ['no token', null, {}, 'missing Authorization header'],
    ['a malformed token', 'not-a-jwt', {}, 'malformed token'],
    ['a token with three garbage parts', 'abc.def.ghi', {}, 'malformed token'],
  ])('rejects %s with 401 JSON', async (_case, token, headers, message) => {
    const response = await list(token, headers);

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: message, code: 'unauthorized' });
  });

  it('rejects a Basic Authorization header', async () => {
    const response = await pigeon.request('GET', '/api/v1/applications', undefined, {
      token: null,
      headers: { authorization: 'Basic dXNlcjpwYXNz' },
    });

    expect(response.status).toBe(401);
    expect(response.json.code).toBe('unauthorized');
  });

  it('rejects a token from an unknown issuer', async () => {
    const response = await list(stranger.token());

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'unknown issuer or audience', code: 'unauthorized' });
  });

  it('rejects a token for another audience', async () => {
    const response = await list(pigeon.issuer.token({ aud: 'someone-else' }));

    expect(response.status).toBe(401);
    expect(response.json.code).toBe('unauthorized');
  });

  it('accepts a token whose aud list contains the audience', async () => {
    const response = await list(pigeon.issuer.token({ aud: ['other', pigeon.issuer.audience] }));

    expect(response.status).toBe(200);
  });

  it('rejects an expired token', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;

    const response = await list(pigeon.issuer.token({ iat: past - 60, exp: past }));

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'token expired', code: 'unauthorized' });
  });

  it('rejects a token without exp', async () => {
    const response = await list(pigeon.issuer.token({ exp: undefined }));

    expect(response.status).toBe(401);
    expect(response.json.code).toBe('unauthorized');
  });

  it('rejects a token signed by another key that claims the bootstrap issuer', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Math.floor(Date.now() / 1000);
    const forged = signJwt(
      privateKey,
      { alg: 'RS256', typ: 'JWT' },
      { iss: pigeon.issuer.issuerUrl, aud: pigeon.issuer.audience, sub: 'mallory', iat: now, exp: now + 600 },
    );

    const response = await list(forged);

    expect(response.status).toBe(401);
    expect(response.json.code).toBe('unauthorized');
  });

  it('rejects the none algorithm', async () => {
    const now = Math.floor(Date.now() / 1000);
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const unsigned = `${encode({ alg: 'none', typ: 'JWT' })}.${encode({
      iss: pigeon.issuer.issuerUrl,
      aud: pigeon.issuer.audience,
      sub: 'mallory',
      exp: now + 600,
    })}.`;

    const response = await list(unsigned);

    expect(response.status).toBe(401);
    expect(response.json).toEqual({ error: 'token algorithm is not allowed', code: 'unauthorized' });
  });

  it('leaves /health public', async () => {
    const response = await pigeon.request('GET', '/health', undefined, { token: null });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'healthy' });
  });

  it('reports readiness from the database', async () => {
    const response = await pigeon.request('GET', '/health/ready', undefined, { token: null });

    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ready' });
  });

  it('echoes a supplied request id', async () => {
    const response = await pigeon.request('GET', '/health', undefined, { token: null, headers: { 'x-request-id': 'trace-42' } });

    expect(response.headers.get('x-request-id')).toBe('trace-42');
  });
});
