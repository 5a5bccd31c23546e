import { mount } from '@vue/test-utils';
import { vi } from 'vitest';
import { type Component, defineComponent } from 'vue';
import { createMemoryHistory, createRouter, type RouteRecordRaw } from 'vue-router';

import { routes } from '../router';

/** One request the stubbed API received. */
export interface RecordedRequest {
  method: string;
  path: string;
  search: URLSearchParams;
  body: unknown;
}

type Handler = (request: RecordedRequest) => Response | Promise<Response>;

/** Returns a JSON response with the given status. */
export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/**
 * Replaces `fetch` with a table of handlers keyed by `METHOD /path`, records
 * every request, and returns the server's JSON 404 for unknown routes.
 */
export function stubApi(handlers: Record<string, Handler>): RecordedRequest[] {
  const requests: RecordedRequest[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: Request | string) => {
      const request = typeof input === 'string' ? new Request(input) : input;
      const url = new URL(request.url);
      const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await request.text();
      const recorded: RecordedRequest = {
        method: request.method,
        path: url.pathname,
        search: url.searchParams,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      requests.push(recorded);
      const handler = handlers[`${request.method} ${url.pathname}`];

      return handler === undefined ? json(404, { error: `no route for ${request.method} ${url.pathname}`, code: 'not_found' }) : handler(recorded);
    }),
  );

  return requests;
}

const RouteStub = defineComponent({ name: 'RouteStub', render: () => null });

/** Replaces every page of the console's routes with an empty stub, so navigating loads no page module. */
function stubbedRoutes(records: RouteRecordRaw[]): RouteRecordRaw[] {
  return records.map((record) =>
    'redirect' in record && record.redirect !== undefined
      ? record
      : ({ ...record, component: RouteStub, children: record.children === undefined ? undefined : stubbedRoutes(record.children) } as RouteRecordRaw),
  );
}

/** Mounts a page with the console's routes in memory history, so its links resolve. */
export async function mountPage(component: Component, props: Record<string, unknown> = {}) {
  const router = createRouter({ history: createMemoryHistory(), routes: stubbedRoutes(routes) });
  await router.push('/applications');
  await router.isReady();

  return { wrapper: mount(component, { props, global: { plugins: [router] }, attachTo: document.body }), router };
}
