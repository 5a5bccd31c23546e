import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

describe('API input validation', () => {
  let pigeon: PigeonUnderTest;
  let appId: string;
  let eventTypeId: string;

  beforeAll(async () => {
    pigeon = await startPigeon();
    appId = (await pigeon.request('POST', '/api/v1/applications', { name: 'Validation', uid: 'validation' })).json.id;
    eventTypeId = (await pigeon.request('POST', `/api/v1/applications/${appId}/event-types`, { name: 'thing.happened' })).json.id;
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  const apps = '/api/v1/applications';

  it.each([
    ['malformed JSON', 'POST', apps, { rawBody: '{"name": "x",' }, 400, /^malformed JSON body/],
    ['a JSON array body', 'POST', apps, { rawBody: '[1,2]' }, 400, /request body must be a JSON object/],
    ['a missing field', 'POST', apps, { rawBody: '{"name":"x"}' }, 400, /uid must be a string/],
    ['a wrong type', 'POST', apps, { rawBody: '{"name":5,"uid":"u"}' }, 400, /name must be a string/],
    ['a blank name', 'POST', apps, { rawBody: '{"name":"   ","uid":"u"}' }, 400, /application name must not be empty/],
    ['an oversized string', 'POST', apps, { rawBody: JSON.stringify({ name: 'x'.repeat(5000), uid: 'u' }) }, 400, /name must be shorter/],
    ['a NUL character', 'POST', apps, { rawBody: '{"name":"a\\u0000b","uid":"nul"}' }, 400, /NUL/],
    ['a non-JSON content type', 'POST', apps, { rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }, 415, /Content-Type: application\/json/],
    ['a non-UUID id', 'GET', `${apps}/not-a-uuid`, {}, 400, /id must be a UUID/],
    ['a negative limit', 'GET', `${apps}?limit=-1`, {}, 400, /limit must be a non-negative integer/],
    ['a huge limit', 'GET', `${apps}?limit=99999999`, {}, 400, /limit must be at most 1000/],
    ['a huge offset', 'GET', `${apps}?offset=99999999999999999999`, {}, 400, /offset must be a non-negative integer/],
    ['an unknown route', 'GET', '/api/v1/nothing-here', {}, 404, /no route/],
  ])('answers %s with a JSON 4xx', async (_case, method, path, options, status, message) => {
    const response = await pigeon.request(method, path, undefined, options);

    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.json.error).toMatch(message);
  });

  it('rejects a body over 2 MiB with 413', async () => {
    const response = await pigeon.request('POST', apps, undefined, { rawBody: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), uid: 'big' }) });

    expect(response.status).toBe(413);
    expect(response.json.code).toBe('payload_too_large');
  });

  it.each([
    ['constructor', '{"constructor":"x","name":5,"uid":"u"}'],
    ['__proto__', '{"__proto__":{"name":"x"},"name":5,"uid":"u"}'],
    ['prototype', '{"prototype":{},"name":5,"uid":"u"}'],
  ])('validates a body with a %s field', async (_key, rawBody) => {
    const response = await pigeon.request('POST', apps, undefined, { rawBody });

    expect(response.status).toBe(400);
    expect(response.json.error).toMatch(/name must be a string/);
  });

  it('ignores a constructor field in a valid body', async () => {
    const response = await pigeon.request('POST', apps, undefined, { rawBody: '{"constructor":"x","name":"Proto","uid":"proto"}' });

    expect(response.status).toBe(201);
    expect(response.json.uid).toBe('proto');
  });

  it('accepts unicode names', async () => {
    const response = await pigeon.request('POST', apps, { name: 'Café 🐦 日本', uid: 'unicode' });

    expect(response.status).toBe(201);
    expect(response.json.name).toBe('Café 🐦 日本');
  });

  it('reports a duplicate application UID as 400', async () => {
    await pigeon.request('POST', apps, { name: 'One', uid: 'same-uid' });

    const response = await pigeon.request('POST', apps, { name: 'Two', uid: 'same-uid' });

    expect(response.status).toBe(400);
    expect(response.json).toEqual({ error: 'validation error: Application with this UID already exists', code: 'bad_request' });
  });

  describe('sending a message', () => {
    const send = (body: unknown) => pigeon.request('POST', `/api/v1/applications/${appId}/messages`, body);

    it.each([
      ['an array payload', () => ({ event_type_id: eventTypeId, payload: [1] }), /payload must be a JSON object/],
      ['a null payload', () => ({ event_type_id: eventTypeId, payload: null }), /payload must be a JSON object/],
      ['a string payload', () => ({ event_type_id: eventTypeId, payload: 'x' }), /payload must be a JSON object/],
      ['no payload', () => ({ event_type_id: eventTypeId }), /payload is required/],
      ['a non-UUID event type', () => ({ event_type_id: 'abc', payload: {} }), /event_type_id must be a UUID/],
      ['an unknown event type', () => ({ event_type_id: '00000000-0000-4000-8000-000000000000', payload: {} }), /Event type not found/],
      ['an empty idempotency key', () => ({ event_type_id: eventTypeId, payload: {}, idempotency_key: '' }), /idempotency_key must not be empty/],
      ['a numeric idempotency key', () => ({ event_type_id: eventTypeId, payload: {}, idempotency_key: 5 }), /idempotency_key must be a string/],
    ])('rejects %s with 400', async (_case, body, message) => {
      const response = await send(body());

      expect(response.status).toBe(400);
      expect(response.json.error).toMatch(message);
    });

    it('stores a payload with a NUL escape unchanged', async () => {
      const response = await pigeon.request('POST', `/api/v1/applications/${appId}/messages`, undefined, {
        rawBody: `{"event_type_id":"${eventTypeId}","payload":{"text":"a\\u0000b"}}`,
      });

      expect(response.status).toBe(201);
      expect(response.text).toContain('"payload":{"text":"a\\u0000b"}');
    });

    it('resolves concurrent sends with one key to a single message without errors', async () => {
      const body = { event_type_id: eventTypeId, payload: { n: 1 }, idempotency_key: 'race-key' };

      const responses = await Promise.all(Array.from({ length: 12 }, () => send(body)));

      expect(responses.map((response) => response.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(responses.map((response) => response.json.id)).size).toBe(1);
    });
  });

  describe('versions', () => {
    it('starts at 1 and returns the version after each write', async () => {
      const created = await pigeon.request('POST', apps, { name: 'Versioned', uid: 'versioned' });

      const updated = await pigeon.request('PUT', `${apps}/${created.json.id}`, { name: 'Renamed', version: 1 });

      expect(created.json.version).toBe(1);
      expect(updated.json).toMatchObject({ name: 'Renamed', version: 2 });
    });

    it('rejects a stale version with 409', async () => {
      const created = await pigeon.request('POST', apps, { name: 'Stale', uid: 'stale' });
      await pigeon.request('PUT', `${apps}/${created.json.id}`, { name: 'First', version: 1 });

      const response = await pigeon.request('PUT', `${apps}/${created.json.id}`, { name: 'Second', version: 1 });

      expect(response.status).toBe(409);
      expect(response.json.code).toBe('conflict');
    });
  });
});
