import type { AttemptResponse } from '@pigeon/client';
import { enableAutoUnmount, flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';

import MessageAttempts from './MessageAttempts.vue';

enableAutoUnmount(afterEach);

function attempt(overrides: Partial<AttemptResponse>): AttemptResponse {
  return {
    id: 'attempt-1',
    message_id: 'message-1',
    endpoint_id: 'endpoint-1',
    status: 'succeeded',
    response_code: 200,
    response_body: 'ok',
    error: null,
    attempted_at: '2026-03-10T12:00:00Z',
    next_attempt_at: null,
    attempt_number: 1,
    duration_ms: 42,
    ...overrides,
  };
}

async function mountAttempts(attempts: AttemptResponse[], retry = vi.fn(async () => {})) {
  const wrapper = mount(MessageAttempts, {
    props: { messageId: 'message-1', loadAttempts: async () => attempts, retry, endpointNames: new Map([['endpoint-1', 'Ledger']]) },
  });
  await flushPromises();

  return wrapper;
}

describe('MessageAttempts', () => {
  it('shows status, code, duration and endpoint', async () => {
    const sut = await mountAttempts([attempt({})]);

    const text = sut.get('[data-testid="attempt"]').text();
    expect(text).toContain('succeeded');
    expect(text).toContain('HTTP 200');
    expect(text).toContain('42 ms');
    expect(text).toContain('to Ledger');
  });

  it('shows the error and the response body of a failure', async () => {
    const sut = await mountAttempts([attempt({ status: 'failed', response_code: null, response_body: 'upstream down', error: 'connection refused' })]);

    expect(sut.get('.message-attempts__error').text()).toBe('connection refused');
    expect(sut.get('details pre').text()).toBe('upstream down');
  });

  it('retries only failed attempts', async () => {
    const retry = vi.fn(async () => {});
    const sut = await mountAttempts([attempt({ id: 'ok' }), attempt({ id: 'bad', status: 'failed', response_code: 500 })], retry);

    const buttons = sut.findAll('button').filter((button) => button.text() === 'Retry');
    expect(buttons).toHaveLength(1);
    await buttons[0]!.trigger('click');
    await flushPromises();

    expect(retry).toHaveBeenCalledWith('bad');
  });

  it('shows the empty state', async () => {
    const sut = await mountAttempts([]);

    expect(sut.text()).toContain('No attempts');
  });
});
