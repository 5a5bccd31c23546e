import { METHODS } from 'node:http';

import { RouteTable } from '../../src/http/route-table';

function route(path: string, ...methods: string[]) {
  return { route: { path, methods: Object.fromEntries(methods.map((method) => [method, true])) } };
}

const everyMethod = METHODS.map((method) => method.toLowerCase());

describe('RouteTable', () => {
  const sut = RouteTable.fromExpressApp({
    router: {
      stack: [
        {},
        route('/{*path}', ...everyMethod),
        route('/api/v1/applications', 'get'),
        route('/api/v1/applications', 'post'),
        route('/api/v1/applications/:id', 'get'),
        route('/api/v1/applications/:id', 'put'),
        route('/api/v1/applications/:id', 'delete'),
        route('/api/v1/applications/:app_id/messages', 'post'),
        route('/api/openapi.json', 'get'),
      ],
    },
  });

  it('lists every method of a path, HEAD with GET', () => {
    expect(sut.match('/api/v1/applications')).toEqual({ pattern: '/api/v1/applications', methods: ['GET', 'HEAD', 'POST'] });
  });

  it('matches a parameter against one segment', () => {
    expect(sut.match('/api/v1/applications/0b9a3c52')?.pattern).toBe('/api/v1/applications/:id');
    expect(sut.match('/api/v1/applications/a/b')).toBeNull();
  });

  it('matches a still percent-encoded segment', () => {
    expect(sut.match('/api/v1/applications/%E0%A4%A')?.pattern).toBe('/api/v1/applications/:id');
  });

  it('leaves out HEAD for a path without GET', () => {
    expect(sut.match('/api/v1/applications/x/messages')?.methods).toEqual(['POST']);
  });

  it('ignores case and a trailing slash, as Express does', () => {
    expect(sut.match('/API/V1/Applications/')?.pattern).toBe('/api/v1/applications');
  });

  it('treats a dot as a literal', () => {
    expect(sut.match('/api/openapiXjson')).toBeNull();
  });

  it('ignores middleware mounted for every method', () => {
    expect(sut.match('/anything/else')).toBeNull();
  });
});
