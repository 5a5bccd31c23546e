import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

describe('API authentication without the identity provider', () => {
  let pigeon: PigeonUnderTest;

  beforeAll(async () => {
    pigeon = await startPigeon();
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  it('returns 503 JSON when no signing key can be fetched', async () => {
    await pigeon.issuer.stop();

    const response = await pigeon.request('GET', '/api/v1/applications');

    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json).toEqual({ error: 'signing keys of the token issuer are unavailable, try again later', code: 'service_unavailable' });
  });
});
