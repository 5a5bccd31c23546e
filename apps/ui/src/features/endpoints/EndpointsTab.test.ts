import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { json, mountPage, stubApi } from '../../test-support/api-stub';
import EndpointsTab from './EndpointsTab.vue';

enableAutoUnmount(afterEach);

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const APP_ID = '0b9a3c52-6a0e-4d8c-9a53-2f3e1c7d8e90';
const endpoint = {
  id: 'ep-1',
  app_id: APP_ID,
  name: 'Ledger',
  url: 'https://example.com/hook',
  enabled: true,
  signing_secrets_masked: ['whsec_...abcd'],
  event_type_ids: ['et-1'],
  created_at: '2026-03-10T12:00:00Z',
  version: 3,
};

function stubEndpoints() {
  return stubApi({
    [`GET /api/v1/applications/${APP_ID}/endpoints`]: () => json(200, { items: [endpoint], total: 1, offset: 0, limit: 100 }),
    [`GET /api/v1/applications/${APP_ID}/event-types`]: () =>
      json(200, { items: [{ id: 'et-1', app_id: APP_ID, name: 'invoice.paid', schema: null, created_at: '', version: 1 }], total: 1, offset: 0, limit: 100 }),
    [`POST /api/v1/applications/${APP_ID}/endpoints`]: () => json(201, { ...endpoint, id: 'ep-2', signing_secret: 'whsec_full_secret' }),
    [`PUT /api/v1/applications/${APP_ID}/endpoints/ep-1`]: (request) => json(200, { ...endpoint, ...(request.body as object), version: 4 }),
  });
}

describe('EndpointsTab', () => {
  it('lists endpoints with their event type names', async () => {
    stubEndpoints();

    const { wrapper } = await mountPage(EndpointsTab, { appId: APP_ID });
    await flushPromises();

    const table = wrapper.get('[data-testid="endpoints-table"]').text();
    expect(table).toContain('Ledger');
    expect(table).toContain('invoice.paid');
    expect(table).toContain('enabled');
  });

  it('shows the new secret once after creating', async () => {
    const requests = stubEndpoints();
    const { wrapper } = await mountPage(EndpointsTab, { appId: APP_ID });
    await flushPromises();

    await wrapper.get('.toolbar button.button--primary').trigger('click');
    const dialog = document.body.querySelector('[role="dialog"]')!;
    const url = dialog.querySelector<HTMLInputElement>('input[name="url"]')!;
    url.value = 'https://example.com/new';
    url.dispatchEvent(new Event('input'));
    dialog.querySelector<HTMLInputElement>('input[type="checkbox"]')!.click();
    await flushPromises();
    dialog.querySelector('form')!.dispatchEvent(new Event('submit'));
    await flushPromises();

    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ url: 'https://example.com/new', event_type_ids: ['et-1'] });
    expect(document.body.querySelector('[data-testid="signing-secret"]')?.textContent).toBe('whsec_full_secret');
  });

  it('disables an endpoint with its version', async () => {
    const requests = stubEndpoints();
    const { wrapper } = await mountPage(EndpointsTab, { appId: APP_ID });
    await flushPromises();

    const disable = wrapper.findAll('button').find((button) => button.text() === 'Disable')!;
    await disable.trigger('click');
    await flushPromises();

    expect(requests.find((request) => request.method === 'PUT')?.body).toEqual({
      url: 'https://example.com/hook',
      event_type_ids: ['et-1'],
      enabled: false,
      version: 3,
    });
  });
});
