import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { json, mountPage, stubApi } from '../../test-support/api-stub';
import SendMessageTab from './SendMessageTab.vue';

enableAutoUnmount(afterEach);

afterEach(() => {
  vi.unstubAllGlobals();
});

const APP_ID = '0b9a3c52-6a0e-4d8c-9a53-2f3e1c7d8e90';
const eventType = { id: 'et-1', app_id: APP_ID, name: 'invoice.paid', schema: null, created_at: '2026-03-10T12:00:00Z', version: 1 };

function stubEventTypes(sendStatus = 201) {
  return stubApi({
    [`GET /api/v1/applications/${APP_ID}/event-types`]: () => json(200, { items: [eventType], total: 1, offset: 0, limit: 100 }),
    [`POST /api/v1/applications/${APP_ID}/messages`]: (request) =>
      sendStatus === 201
        ? json(201, { id: 'm-1', app_id: APP_ID, event_type_id: 'et-1', payload: request.body, idempotency_key: 'k', created_at: '', attempts_created: 2, was_duplicate: false })
        : json(sendStatus, { error: 'validation error: payload must be a JSON object', code: 'bad_request' }),
  });
}

describe('SendMessageTab', () => {
  it('sends the payload to the picked event type', async () => {
    const requests = stubEventTypes();
    const { wrapper } = await mountPage(SendMessageTab, { appId: APP_ID });
    await flushPromises();

    await wrapper.get('textarea').setValue('{"invoice_id": 42}');
    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(requests.at(-1)?.body).toEqual({ event_type_id: 'et-1', payload: { invoice_id: 42 } });
    expect(wrapper.get('[data-testid="send-result"]').text()).toContain('2 attempts created');
  });

  it('blocks a payload that is not a JSON object', async () => {
    stubEventTypes();
    const { wrapper } = await mountPage(SendMessageTab, { appId: APP_ID });
    await flushPromises();

    await wrapper.get('textarea').setValue('[1, 2');

    expect(wrapper.get('[data-testid="json-error"]').text()).toMatch(/^Invalid JSON/);
    expect(wrapper.get('button[type="submit"]').attributes('disabled')).toBeDefined();
  });

  it('shows the server error text', async () => {
    stubEventTypes(400);
    const { wrapper } = await mountPage(SendMessageTab, { appId: APP_ID });
    await flushPromises();

    await wrapper.get('form').trigger('submit');
    await flushPromises();

    expect(wrapper.get('[role="alert"]').text()).toContain('validation error: payload must be a JSON object');
  });
});
