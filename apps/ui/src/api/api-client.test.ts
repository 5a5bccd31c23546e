import { listApplications } from '@pigeon/client';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { json, stubApi } from '../test-support/api-stub';
import { ApiError, apiClient, setAccessTokenSource, unwrap } from './api-client';

afterEach(() => {
  vi.unstubAllGlobals();
  setAccessTokenSource(() => undefined);
});

describe('unwrap', () => {
  it('returns the data of a successful call', async () => {
    stubApi({ 'GET /api/v1/applications': () => json(200, { items: [], total: 0, offset: 0, limit: 25 }) });

    const sut = await unwrap(listApplications({ client: apiClient }));

    expect(sut).toEqual({ items: [], total: 0, offset: 0, limit: 25 });
  });

  it('throws the server error text', async () => {
    stubApi({ 'GET /api/v1/applications': () => json(409, { error: 'version conflict: reload and retry', code: 'conflict' }) });

    const error = await unwrap(listApplications({ client: apiClient })).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).message).toBe('version conflict: reload and retry');
    expect((error as ApiError).status).toBe(409);
    expect((error as ApiError).code).toBe('conflict');
  });

  it('reports a non-JSON error with its status', async () => {
    stubApi({ 'GET /api/v1/applications': () => new Response('Bad Gateway', { status: 502 }) });

    const error = await unwrap(listApplications({ client: apiClient })).catch((caught: unknown) => caught);

    expect((error as ApiError).message).toBe('HTTP 502: Bad Gateway');
  });

  it('sends the bearer token', async () => {
    let authorization: string | null = null;
    vi.stubGlobal(
      'fetch',
      vi.fn(async (request: Request) => {
        authorization = request.headers.get('authorization');

        return json(200, { items: [], total: 0, offset: 0, limit: 25 });
      }),
    );
    setAccessTokenSource(() => 'token-1');

    await unwrap(listApplications({ client: apiClient }));

    expect(authorization).toBe('Bearer token-1');
  });
});
