import { randomUUID } from 'node:crypto';

import openapi from '../../../../docs/openapi.json';
import { startReceiver, type TestReceiver } from '../../../../test-support/receiver';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(180_000);

const HUGE = 'x'.repeat(100_000);
const NUL = 'a\u0000b';
const UNICODE = '🐦 café 日本 \u202e';

/** Every request field the API knows, each given a hostile value of the wrong kind. */
const WRONG_TYPES = {
  name: 123,
  uid: [],
  url: {},
  event_type_ids: 'not-a-list',
  event_type_id: 5,
  payload: null,
  idempotency_key: 7,
  schema: 'x',
  version: '1',
  enabled: 'yes',
  slug: false,
  issuer_url: 1,
  audience: {},
  jwks_url: [],
  oidc_issuer_url: 1,
  oidc_audience: 2,
  oidc_jwks_url: 3,
};

function everyField(value: unknown): Record<string, unknown> {
  return Object.fromEntries(Object.keys(WRONG_TYPES).map((field) => [field, value]));
}

const BODIES: Array<[string, { rawBody: string } | { body: unknown }]> = [
  ['malformed JSON', { rawBody: '{"name": ' }],
  ['an array', { rawBody: '[1, 2]' }],
  ['null', { rawBody: 'null' }],
  ['a string', { rawBody: '"text"' }],
  ['an empty object', { body: {} }],
  ['wrong types', { body: WRONG_TYPES }],
  ['oversized strings', { body: { ...everyField(HUGE), version: 1, event_type_ids: [HUGE] } }],
  ['NUL characters', { body: { ...everyField(NUL), version: 1, event_type_ids: [NUL], payload: { text: NUL } } }],
  ['unicode', { body: { ...everyField(UNICODE), version: 1, event_type_ids: [], payload: { text: UNICODE } } }],
  ['negative and huge numbers', { body: { ...everyField(-1), version: -1, payload: { n: 1e308 } } }],
  ['a version beyond 2^53', { body: { name: 'n', url: 'http://127.0.0.1:9/x', event_type_ids: [], version: 2 ** 60 } }],
  ['deep nesting', { rawBody: `{"payload":${'['.repeat(5000)}${']'.repeat(5000)}}` }],
];

const QUERIES = [
  'limit=-1',
  'limit=99999999999999999999',
  'offset=-5',
  'offset=1e3',
  'limit=abc&offset=abc',
  'search=%00',
  `search=${encodeURIComponent(HUGE.slice(0, 5000))}`,
  'status=zzz',
  'period=zzz',
  'replayed=maybe',
  'success=x',
  'event_type_id=nope',
  'endpoint_id=nope',
  `command=${encodeURIComponent(NUL)}`,
  'limit=1&limit=2',
];

const BAD_IDS = ['not-a-uuid', '..%2F..%2Fetc', 'x'.repeat(3000), randomUUID(), '00000000-0000-0000-0000-000000000000'];

interface Route {
  method: string;
  path: string;
}

// /metrics answers in the Prometheus text format and takes no input, so it is left out.
const ROUTES: Route[] = Object.entries(openapi.paths as Record<string, Record<string, unknown>>)
  .filter(([path]) => path !== '/metrics')
  .flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));

describe('no client input produces a server error', () => {
  let pigeon: PigeonUnderTest;
  let receiver: TestReceiver;
  const ids: Record<string, string> = {};
  const failures: string[] = [];

  beforeAll(async () => {
    receiver = await startReceiver([500]);
    pigeon = await startPigeon({ PIGEON_WORKER_MAX_RETRIES: '1' });
    ids.app = (await pigeon.request('POST', '/api/v1/applications', { name: 'Fuzz', uid: 'fuzz' })).json.id;
    ids.eventType = (await pigeon.request('POST', `/api/v1/applications/${ids.app}/event-types`, { name: 'fuzz.event' })).json.id;
    ids.endpoint = (
      await pigeon.request('POST', `/api/v1/applications/${ids.app}/endpoints`, { url: receiver.url, event_type_ids: [ids.eventType] })
    ).json.id;
    ids.message = (
      await pigeon.request('POST', `/api/v1/applications/${ids.app}/messages`, { event_type_id: ids.eventType, payload: { a: 1 } })
    ).json.id;
    await receiver.waitForRequests(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const attempts = await pigeon.request('GET', `/api/v1/applications/${ids.app}/messages/${ids.message}/attempts`);
    ids.attempt = attempts.json[0].id;
    const deadLetters = await pigeon.request('GET', `/api/v1/applications/${ids.app}/dead-letters`);
    ids.deadLetter = deadLetters.json.items[0]?.id ?? randomUUID();
    const organizations = await pigeon.request('GET', '/admin/v1/organizations');
    ids.org = organizations.json.items[0].id;
    const configs = await pigeon.request('GET', '/api/v1/oidc-configs');
    ids.oidcConfig = configs.json.items[0].id;
  });

  afterAll(async () => {
    await pigeon?.stop();
    await receiver?.stop();
  });

  beforeEach(() => {
    failures.length = 0;
  });

  /** Fills a route's path parameters with ids of real resources of the matching kind. */
  function realPath(path: string): string {
    const kind = (segment: string) => {
      if (path.includes('/dead-letters/')) return ids.deadLetter;
      if (path.includes('/attempts/')) return ids.attempt;
      if (path.includes('/endpoints/')) return ids.endpoint;
      if (path.includes('/event-types/')) return ids.eventType;
      if (path.includes('/messages/')) return ids.message;
      if (path.includes('/oidc-configs/')) return ids.oidcConfig;
      if (path.startsWith('/admin/')) return ids.org;

      return segment === 'app_id' ? ids.app : ids.app;
    };

    return path
      .replace('{app_id}', ids.app!)
      .replace('{org_id}', ids.org!)
      .replace('{msg_id}', ids.message!)
      .replace('{index}', '1')
      .replace('{id}', kind('id')!);
  }

  async function check(label: string, method: string, path: string, options: Parameters<PigeonUnderTest['request']>[3] = {}, body?: unknown) {
    const response = await pigeon.request(method, path, body, options).catch((error: Error) => ({
      status: 0,
      headers: new Headers(),
      text: error.message,
      json: undefined,
    }));

    const isJsonError =
      response.status < 400 || (typeof response.json?.error === 'string' && typeof response.json?.code === 'string');
    if (response.status >= 500 || response.status === 0 || !isJsonError) {
      failures.push(`${label}: ${method} ${path.slice(0, 120)} -> ${response.status} ${response.text.slice(0, 200)}`);
    }
  }

  it('answers hostile bodies with 4xx JSON on every route that reads one', async () => {
    for (const route of ROUTES.filter((candidate) => candidate.method === 'POST' || candidate.method === 'PUT')) {
      for (const [label, input] of BODIES) {
        const options = 'rawBody' in input ? { rawBody: input.rawBody } : {};
        const body = 'body' in input ? input.body : undefined;
        await check(label, route.method, realPath(route.path), options, body);
      }
    }

    expect(failures).toEqual([]);
  });

  it('answers hostile query strings with 4xx JSON on every read route', async () => {
    for (const route of ROUTES.filter((candidate) => candidate.method === 'GET')) {
      for (const query of QUERIES) {
        await check(`query ${query.slice(0, 40)}`, 'GET', `${realPath(route.path)}?${query}`);
      }
    }

    expect(failures).toEqual([]);
  });

  it('answers malformed and unknown ids with 4xx JSON on every route', async () => {
    for (const route of ROUTES.filter((candidate) => candidate.path.includes('{'))) {
      for (const id of BAD_IDS) {
        const path = route.path.replace(/\{[a-z_]+\}/g, id);
        await check(`id ${id.slice(0, 20)}`, route.method, path, {}, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      }
    }

    expect(failures).toEqual([]);
  });

  it('accepts a JSON content type and no body on every route', async () => {
    for (const route of ROUTES) {
      await check('empty body', route.method, realPath(route.path), { headers: { 'content-type': 'application/json' } });
    }

    expect(failures).toEqual([]);
  });

  it('answers a body over the size limit with 413 on every route that reads one', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) });
    for (const route of ROUTES.filter((candidate) => candidate.method === 'POST' || candidate.method === 'PUT')) {
      const response = await pigeon.request(route.method, realPath(route.path), undefined, { rawBody: big });
      if (response.status !== 413 || response.json?.code !== 'payload_too_large') {
        failures.push(`oversized body: ${route.method} ${route.path} -> ${response.status}`);
      }
    }

    expect(failures).toEqual([]);
  });
});
