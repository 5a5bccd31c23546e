import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';

import ServerHealthBadge from './ServerHealthBadge.vue';

enableAutoUnmount(afterEach);

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

function stubFetch(implementation: typeof fetch) {
  const fetchMock = vi.fn<typeof fetch>(implementation);
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

async function mountBadge() {
  // Polling is off so that only the initial check and explicit clicks send requests.
  const wrapper = mount(ServerHealthBadge, { props: { pollIntervalMs: 0 } });
  await flushPromises();
  return wrapper;
}

describe('ServerHealthBadge', () => {
  it('shows ready for a 200 response', async () => {
    const fetchMock = stubFetch(async () => jsonResponse(200, { status: 'ready' }));

    const wrapper = await mountBadge();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(fetchMock.mock.calls[0]?.[0]).toBe('/health/ready');
    expect(wrapper.get('.health-badge__label').text()).toBe('Server ready');
    expect(wrapper.find('.health-badge__detail').exists()).toBe(false);
    expect(wrapper.attributes('data-status')).toBe('ready');
  });

  it('shows not ready for a 503 response', async () => {
    stubFetch(async () => jsonResponse(503, { status: 'not ready' }));

    const wrapper = await mountBadge();

    expect(wrapper.get('.health-badge__label').text()).toBe('Server not ready');
    expect(wrapper.find('.health-badge__detail').exists()).toBe(false);
    expect(wrapper.attributes('data-status')).toBe('not-ready');
  });

  it('shows the error when fetch rejects', async () => {
    stubFetch(async () => {
      throw new TypeError('Failed to fetch');
    });

    const wrapper = await mountBadge();

    expect(wrapper.get('.health-badge__label').text()).toBe('Health check failed');
    expect(wrapper.get('.health-badge__detail').text()).toBe('GET /health/ready failed: Failed to fetch');
    expect(wrapper.attributes('data-status')).toBe('error');
  });

  it.each([
    {
      response: () => new Response('<html>Bad Gateway</html>', { status: 502 }),
      detail: 'GET /health/ready returned HTTP 502 without a JSON status field',
    },
    {
      response: () => new Response('Service Unavailable', { status: 503 }),
      detail: 'GET /health/ready returned HTTP 503 without a JSON status field',
    },
    {
      response: () => jsonResponse(200, { status: 'starting' }),
      detail: 'GET /health/ready returned HTTP 200 with status "starting"',
    },
  ])('shows the error for unexpected response: $detail', async ({ response, detail }) => {
    stubFetch(async () => response());

    const wrapper = await mountBadge();

    expect(wrapper.get('.health-badge__label').text()).toBe('Health check failed');
    expect(wrapper.get('.health-badge__detail').text()).toBe(detail);
    expect(wrapper.attributes('data-status')).toBe('error');
  });

  it('shows loading until the response arrives', async () => {
    let respond: (response: Response) => void = () => {};
    stubFetch(() => new Promise<Response>((resolve) => (respond = resolve)));

    const wrapper = mount(ServerHealthBadge, { props: { pollIntervalMs: 0 } });
    await flushPromises();

    expect(wrapper.get('.health-badge__label').text()).toBe('Checking server…');
    expect(wrapper.get('button').text()).toBe('Checking…');
    expect(wrapper.get('button').attributes('disabled')).toBeDefined();

    respond(jsonResponse(200, { status: 'ready' }));
    await flushPromises();

    expect(wrapper.get('.health-badge__label').text()).toBe('Server ready');
    expect(wrapper.get('button').attributes('disabled')).toBeUndefined();
  });

  it('shows a timeout when no response arrives', async () => {
    vi.useFakeTimers();
    stubFetch(
      (_input, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => {
            reject(new DOMException('The operation was aborted.', 'AbortError'));
          });
        }),
    );

    const wrapper = mount(ServerHealthBadge, { props: { pollIntervalMs: 0 } });
    await vi.advanceTimersByTimeAsync(5_000);
    await nextTick();

    expect(wrapper.get('.health-badge__label').text()).toBe('Health check failed');
    expect(wrapper.get('.health-badge__detail').text()).toBe('GET /health/ready timed out after 5000 ms');
  });

  it('checks again on refresh click', async () => {
    const fetchMock = stubFetch(async () => jsonResponse(503, { status: 'not ready' }));
    const wrapper = await mountBadge();
    expect(wrapper.get('.health-badge__label').text()).toBe('Server not ready');

    fetchMock.mockImplementation(async () => jsonResponse(200, { status: 'ready' }));
    await wrapper.get('button').trigger('click');
    await flushPromises();

    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(wrapper.get('.health-badge__label').text()).toBe('Server ready');
  });
});
