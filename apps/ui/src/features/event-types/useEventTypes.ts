import {
  createEventType,
  deleteEventType,
  type EventTypeResponse,
  type EventTypeStatsResponse,
  getEventType,
  getEventTypeStats,
  listEventTypes,
  type PaginatedEventTypeResponse,
  updateEventType,
} from '@pigeon/client';
import { type Ref, watch } from 'vue';

import { apiClient, unwrap } from '../../api/api-client';
import { type AsyncState, useAsyncState } from '../../composables/useAsyncState';
import type { StatsPeriod } from '../../lib/stats-buckets';

/** Largest page the API serves, enough for an application's event types in pickers. */
export const EVENT_TYPE_LIMIT = 100;

/** Name and schema of an event type as the form edits them; `schema` undefined means none. */
export interface EventTypeDraft {
  name: string;
  schema: unknown;
}

/** Loads the event types of an application, with create, update and delete. */
export function useEventTypes(appId: Ref<string>) {
  const list = useAsyncState<PaginatedEventTypeResponse>(() =>
    unwrap(listEventTypes({ client: apiClient, path: { app_id: appId.value }, query: { limit: EVENT_TYPE_LIMIT } })),
  );
  watch(appId, () => void list.reload());

  async function create(draft: EventTypeDraft): Promise<EventTypeResponse> {
    const created = await unwrap(
      createEventType({ client: apiClient, path: { app_id: appId.value }, body: { name: draft.name, schema: draft.schema ?? null } }),
    );
    await list.reload();

    return created;
  }

  async function update(eventType: EventTypeResponse, draft: EventTypeDraft): Promise<EventTypeResponse> {
    // The schema is always sent, so an edit that keeps it does not clear it.
    const updated = await unwrap(
      updateEventType({
        client: apiClient,
        path: { app_id: appId.value, id: eventType.id },
        body: { name: draft.name, schema: draft.schema ?? null, version: eventType.version },
      }),
    );
    await list.reload();

    return updated;
  }

  async function remove(id: string): Promise<void> {
    await unwrap(deleteEventType({ client: apiClient, path: { app_id: appId.value, id } }));
    await list.reload();
  }

  return { list, create, update, remove };
}

/** Loads one event type and its stats for the chosen period, with update. */
export function useEventTypeDetail(appId: Ref<string>, eventTypeId: Ref<string>, period: Ref<StatsPeriod>) {
  const eventType = useAsyncState<EventTypeResponse>(() =>
    unwrap(getEventType({ client: apiClient, path: { app_id: appId.value, id: eventTypeId.value } })),
  );
  const stats: AsyncState<EventTypeStatsResponse> = useAsyncState(() =>
    unwrap(getEventTypeStats({ client: apiClient, path: { app_id: appId.value, id: eventTypeId.value }, query: { period: period.value } })),
  );
  watch([appId, eventTypeId], () => void eventType.reload());
  watch([appId, eventTypeId, period], () => void stats.reload());

  async function update(draft: EventTypeDraft): Promise<void> {
    const current = eventType.data.value;
    if (current === undefined) {
      return;
    }
    eventType.data.value = await unwrap(
      updateEventType({
        client: apiClient,
        path: { app_id: appId.value, id: current.id },
        body: { name: draft.name, schema: draft.schema ?? null, version: current.version },
      }),
    );
  }

  return { eventType, stats, update };
}
