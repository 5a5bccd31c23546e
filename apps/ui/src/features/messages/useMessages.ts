import {
  type AttemptResponse,
  listAttempts,
  listMessages,
  type ListMessagesData,
  type PaginatedMessageResponse,
  retriggerMessage,
  type RetriggerMessageResponse,
  retryAttempt,
  sendMessage,
  type SendMessageResponse,
} from '@pigeon/client';
import { type Ref, ref, watch } from 'vue';

import { apiClient, unwrap } from '../../api/api-client';
import { useAsyncState } from '../../composables/useAsyncState';

export type MessageStatusFilter = NonNullable<NonNullable<ListMessagesData['query']>['status']>;

export const MESSAGE_STATUSES: readonly MessageStatusFilter[] = ['delivered', 'pending', 'failed', 'dead_lettered', 'no_endpoints'];

export const MESSAGE_PAGE_SIZE = 50;

/** Loads the messages of an application, filtered by event type and delivery status, with their attempts. */
export function useMessages(appId: Ref<string>) {
  const eventTypeId = ref('');
  const status = ref<MessageStatusFilter | ''>('');
  const offset = ref(0);

  const list = useAsyncState<PaginatedMessageResponse>(() =>
    unwrap(
      listMessages({
        client: apiClient,
        path: { app_id: appId.value },
        query: {
          offset: offset.value,
          limit: MESSAGE_PAGE_SIZE,
          ...(eventTypeId.value === '' ? {} : { event_type_id: eventTypeId.value }),
          ...(status.value === '' ? {} : { status: status.value }),
        },
      }),
    ),
  );
  watch([appId, eventTypeId, status], () => {
    offset.value = 0;
    void list.reload();
  });
  watch(offset, () => void list.reload());

  function loadAttempts(messageId: string): Promise<AttemptResponse[]> {
    return unwrap(listAttempts({ client: apiClient, path: { app_id: appId.value, msg_id: messageId } }));
  }

  async function retrigger(messageId: string): Promise<RetriggerMessageResponse> {
    const result = await unwrap(retriggerMessage({ client: apiClient, path: { app_id: appId.value, id: messageId } }));
    void list.reload();

    return result;
  }

  async function retry(attemptId: string): Promise<void> {
    await unwrap(retryAttempt({ client: apiClient, path: { app_id: appId.value, id: attemptId } }));
  }

  return { eventTypeId, status, offset, list, loadAttempts, retrigger, retry };
}

/** Sends a message to an application. */
export function sendApplicationMessage(
  appId: string,
  eventTypeId: string,
  payload: Record<string, unknown>,
  idempotencyKey: string,
): Promise<SendMessageResponse> {
  const key = idempotencyKey.trim();

  return unwrap(
    sendMessage({
      client: apiClient,
      path: { app_id: appId },
      body: { event_type_id: eventTypeId, payload, ...(key === '' ? {} : { idempotency_key: key }) },
    }),
  );
}
