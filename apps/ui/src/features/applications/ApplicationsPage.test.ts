import { enableAutoUnmount, flushPromises } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { json, mountPage, stubApi } from '../../test-support/api-stub';
import ApplicationsPage from './ApplicationsPage.vue';

enableAutoUnmount(afterEach);

afterEach(() => {
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const billing = { id: '0b9a3c52-6a0e-4d8c-9a53-2f3e1c7d8e90', org_id: 'o', name: 'Billing', uid: 'billing', created_at: '2026-03-10T12:00:00Z', version: 1 };

describe('ApplicationsPage', () => {
  it('lists applications', async () => {
    stubApi({ 'GET /api/v1/applications': () => json(200, { items: [billing], total: 1, offset: 0, limit: 25 }) });

    const { wrapper } = await mountPage(ApplicationsPage);
    await flushPromises();

    expect(wrapper.get('[data-testid="applications-table"]').text()).toContain('Billing');
    expect(wrapper.get('[data-testid="applications-table"]').text()).toContain('billing');
  });

  it('shows the empty state', async () => {
    stubApi({ 'GET /api/v1/applications': () => json(200, { items: [], total: 0, offset: 0, limit: 25 }) });

    const { wrapper } = await mountPage(ApplicationsPage);
    await flushPromises();

    expect(wrapper.text()).toContain('No applications yet');
  });

  it('shows the server error text', async () => {
    stubApi({ 'GET /api/v1/applications': () => json(401, { error: 'token expired', code: 'unauthorized' }) });

    const { wrapper } = await mountPage(ApplicationsPage);
    await flushPromises();

    expect(wrapper.get('[role="alert"]').text()).toContain('token expired');
  });

  it('searches by name after typing stops', async () => {
    vi.useFakeTimers();
    const requests = stubApi({ 'GET /api/v1/applications': () => json(200, { items: [], total: 0, offset: 0, limit: 25 }) });
    const { wrapper } = await mountPage(ApplicationsPage);
    await flushPromises();

    await wrapper.get('input[name="search"]').setValue('bill');
    await vi.advanceTimersByTimeAsync(300);
    await flushPromises();
    vi.useRealTimers();

    expect(requests).toHaveLength(2);
    expect(requests[1]!.search.get('search')).toBe('bill');
    expect(wrapper.text()).toContain('No application matches this search');
  });

  it('creates an application and opens it', async () => {
    const requests = stubApi({
      'GET /api/v1/applications': () => json(200, { items: [], total: 0, offset: 0, limit: 25 }),
      'POST /api/v1/applications': () => json(201, billing),
    });
    const { wrapper, router } = await mountPage(ApplicationsPage);
    await flushPromises();

    await wrapper.get('button.button--primary').trigger('click');
    const dialog = document.body.querySelector('[role="dialog"]')!;
    const name = dialog.querySelector<HTMLInputElement>('input[name="name"]')!;
    name.value = 'Billing';
    name.dispatchEvent(new Event('input'));
    await flushPromises();
    dialog.querySelector('form')!.dispatchEvent(new Event('submit'));
    await flushPromises();

    expect(requests.find((request) => request.method === 'POST')?.body).toEqual({ name: 'Billing', uid: 'billing' });
    expect(router.currentRoute.value.fullPath).toBe(`/applications/${billing.id}`);
  });

  it('shows the server error when creating fails', async () => {
    stubApi({
      'GET /api/v1/applications': () => json(200, { items: [], total: 0, offset: 0, limit: 25 }),
      'POST /api/v1/applications': () => json(400, { error: 'validation error: uid already exists', code: 'bad_request' }),
    });
    const { wrapper } = await mountPage(ApplicationsPage);
    await flushPromises();

    await wrapper.get('button.button--primary').trigger('click');
    const dialog = document.body.querySelector('[role="dialog"]')!;
    const name = dialog.querySelector<HTMLInputElement>('input[name="name"]')!;
    name.value = 'Billing';
    name.dispatchEvent(new Event('input'));
    await flushPromises();
    dialog.querySelector('form')!.dispatchEvent(new Event('submit'));
    await flushPromises();

    expect(dialog.querySelector('[role="alert"]')?.textContent).toBe('validation error: uid already exists');
  });
});
