import { request as httpRequest } from 'node:http';

import { type ApiResponse, type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const SOME_ID = '0b9a3c52-6a0e-4d8c-9a53-2f3e1c7d8e90';

interface RawResponse {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
}

/** Sends a request with node:http, which passes the path through unchanged where fetch would normalise it. */
function rawRequest(baseUrl: string, method: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const url = new URL(baseUrl);

  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: url.hostname, port: url.port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, contentType: response.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function expectJsonError(response: { status: number; contentType: string | undefined | null; text: string }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.contentType).toMatch(/^application\/json/);
  expect(JSON.parse(response.text)).toEqual({ error: expect.any(String), code });
}

/** Replaces each `{param}` of an OpenAPI path with a value its route accepts. */
function concretePath(templated: string): string {
  return templated.replace(/\{([^}]+)\}/g, (_match, name: string) => (name === 'index' ? '0' : SOME_ID));
}

describe('HTTP error responses', () => {
  let pigeon: PigeonUnderTest;
  let documentedPaths: Array<[string, string[]]>;

  beforeAll(async () => {
    pigeon = await startPigeon();

    const document = await pigeon.request('GET', '/api/openapi.json', undefined, { token: null });
    documentedPaths = Object.entries(document.json.paths as Record<string, Record<string, unknown>>).map(([path, operations]) => [
      path,
      Object.keys(operations).map((method) => method.toUpperCase()),
    ]);
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  describe('a wrong method on a known path', () => {
    it('answers 405 with Allow for every documented path', async () => {
      expect(documentedPaths.length).toBeGreaterThan(10);

      for (const [path, methods] of documentedPaths) {
        const wrongMethod = ['PATCH', 'PUT', 'DELETE', 'POST'].find((method) => !methods.includes(method))!;
        const response = await pigeon.request(wrongMethod, concretePath(path));
        const expected = methods.includes('GET') ? ['GET', 'HEAD', ...methods.filter((method) => method !== 'GET')] : methods;

        expect({ path, status: response.status, code: response.json?.code }).toEqual({ path, status: 405, code: 'method_not_allowed' });
        expect({ path, allow: response.headers.get('allow')?.split(', ').sort() }).toEqual({ path, allow: [...expected].sort() });
      }
    });

    it.each([
      ['DELETE', '/api/v1/applications', 'GET, HEAD, POST'],
      ['POST', `/api/v1/applications/${SOME_ID}`, 'GET, HEAD, PUT, DELETE'],
      ['PUT', `/api/v1/applications/${SOME_ID}/messages`, 'GET, HEAD, POST'],
      ['DELETE', '/health', 'GET, HEAD'],
      ['POST', '/metrics', 'GET, HEAD'],
      ['POST', '/api/openapi.json', 'GET, HEAD'],
    ])('answers %s %s with 405', async (method, path, allow) => {
      const response = await pigeon.request(method, path);

      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toEqual({
        error: `method ${method} is not allowed for ${path}; allowed: ${allow}`,
        code: 'method_not_allowed',
      });
    });

    it('answers 405 before authentication', async () => {
      const response = await pigeon.request('DELETE', '/api/v1/applications', undefined, { token: null });

      expect(response.status).toBe(405);
      expect(response.json.code).toBe('method_not_allowed');
    });

    it('keeps the request id header', async () => {
      const response = await pigeon.request('DELETE', '/api/v1/applications', undefined, { headers: { 'x-request-id': 'wrong-method-1' } });

      expect(response.headers.get('x-request-id')).toBe('wrong-method-1');
    });
  });

  describe('an unknown path', () => {
    it.each([
      ['GET', '/api/v1/nothing-here'],
      ['POST', '/api/v1/nothing-here'],
      ['GET', '/api/v2/applications'],
      ['GET', `/api/v1/applications/${SOME_ID}/unknown`],
    ])('answers %s %s with a JSON 404', async (method, path) => {
      const response = await pigeon.request(method, path);

      expectJsonError({ status: response.status, contentType: response.headers.get('content-type'), text: response.text }, 404, 'not_found');
    });
  });

  describe('requests Express or Node reject on their own', () => {
    it('answers a bad percent-encoding in a path parameter with 400', async () => {
      const response = await rawRequest(pigeon.baseUrl, 'GET', '/api/v1/applications/%E0%A4%A', {
        authorization: `Bearer ${pigeon.issuer.token()}`,
      });

      expectJsonError(response, 400, 'bad_request');
      expect(JSON.parse(response.text).error).toMatch(/^Failed to decode param/);
    });

    it('answers a bad percent-encoding without a token with 400', async () => {
      const response = await rawRequest(pigeon.baseUrl, 'GET', '/api/v1/applications/%E0%A4%A/messages');

      expectJsonError(response, 400, 'bad_request');
    });

    it('answers a long unknown URL with a JSON 404', async () => {
      const response = await rawRequest(pigeon.baseUrl, 'GET', `/api/v1/${'x'.repeat(8000)}`);

      expectJsonError(response, 404, 'not_found');
    });

    it('answers a URL over the header size limit with a JSON 431', async () => {
      const response = await rawRequest(pigeon.baseUrl, 'GET', `/api/v1/applications/${'x'.repeat(20_000)}`);

      expectJsonError(response, 431, 'bad_request');
    });

    it('answers an unsupported Expect header with a JSON 417', async () => {
      const response = await rawRequest(pigeon.baseUrl, 'GET', '/health', { expect: 'something-else' });

      expectJsonError(response, 417, 'bad_request');
    });

    it('answers a malformed JSON body with 400', async () => {
      const response = await pigeon.request('POST', '/api/v1/applications', undefined, { rawBody: '{"name": "x",' });

      expectJsonError({ status: response.status, contentType: response.headers.get('content-type'), text: response.text }, 400, 'bad_request');
    });

    it('answers a non-JSON content type with 415', async () => {
      const response = await pigeon.request('POST', '/api/v1/applications', undefined, {
        rawBody: 'name=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

      expectJsonError({ status: response.status, contentType: response.headers.get('content-type'), text: response.text }, 415, 'unsupported_media_type');
    });

    it('answers an unsupported charset with 415', async () => {
      const response = await pigeon.request('POST', '/api/v1/applications', undefined, {
        rawBody: '{"name":"x","uid":"charset"}',
        headers: { 'content-type': 'application/json; charset=klingon' },
      });

      expectJsonError({ status: response.status, contentType: response.headers.get('content-type'), text: response.text }, 415, 'unsupported_media_type');
    });

    it('answers a body over 2 MiB with 413', async () => {
      const response: ApiResponse = await pigeon.request('POST', '/api/v1/applications', undefined, {
        rawBody: JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024), uid: 'big' }),
      });

      expectJsonError({ status: response.status, contentType: response.headers.get('content-type'), text: response.text }, 413, 'payload_too_large');
    });
  });
});
