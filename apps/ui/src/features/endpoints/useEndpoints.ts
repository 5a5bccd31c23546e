import {
  createEndpoint,
  type CreatedEndpointResponse,
  deleteEndpoint,
  type EndpointResponse,
  type EndpointStatsResponse,
  getEndpoint,
  getEndpointStats,
  listEndpoints,
  type PaginatedEndpointResponse,
  revokeSigningSecret,
  rotateSigningSecret,
  type RotateSigningSecretResponse,
  sendTestEvent,
  type SendTestEventResponse,
  updateEndpoint,
} from '@pigeon/client';
import { type Ref, watch } from 'vue';

import { apiClient, unwrap } from '../../api/api-client';
import { type AsyncState, useAsyncState } from '../../composables/useAsyncState';
import type { StatsPeriod } from '../../lib/stats-buckets';

/** Fields of an endpoint that the form edits. */
export interface EndpointDraft {
  name: string;
  url: string;
  eventTypeIds: string[];
}

/** Loads the endpoints of an application, with create, enable or disable, and delete. */
export function useEndpoints(appId: Ref<string>) {
  const list = useAsyncState<PaginatedEndpointResponse>(() =>
    unwrap(listEndpoints({ client: apiClient, path: { app_id: appId.value }, query: { limit: 100 } })),
  );
  watch(appId, () => void list.reload());

  async function create(draft: EndpointDraft): Promise<CreatedEndpointResponse> {
    const name = draft.name.trim();
    const created = await unwrap(
      createEndpoint({
        client: apiClient,
        path: { app_id: appId.value },
        body: { url: draft.url.trim(), event_type_ids: draft.eventTypeIds, ...(name === '' ? {} : { name }) },
      }),
    );
    await list.reload();

    return created;
  }

  async function setEnabled(endpoint: EndpointResponse, enabled: boolean): Promise<void> {
    await unwrap(
      updateEndpoint({
        client: apiClient,
        path: { app_id: appId.value, id: endpoint.id },
        body: { url: endpoint.url, event_type_ids: endpoint.event_type_ids, enabled, version: endpoint.version },
      }),
    );
    await list.reload();
  }

  async function remove(id: string): Promise<void> {
    await unwrap(deleteEndpoint({ client: apiClient, path: { app_id: appId.value, id } }));
    await list.reload();
  }

  return { list, create, setEnabled, remove };
}

/** Loads one endpoint and its stats, with edit, secret rotation and revocation, and test events. */
export function useEndpointDetail(appId: Ref<string>, endpointId: Ref<string>, period: Ref<StatsPeriod>) {
  const endpoint = useAsyncState<EndpointResponse>(() =>
    unwrap(getEndpoint({ client: apiClient, path: { app_id: appId.value, id: endpointId.value } })),
  );
  const stats: AsyncState<EndpointStatsResponse> = useAsyncState(() =>
    unwrap(getEndpointStats({ client: apiClient, path: { app_id: appId.value, id: endpointId.value }, query: { period: period.value } })),
  );
  watch([appId, endpointId], () => void endpoint.reload());
  watch([appId, endpointId, period], () => void stats.reload());

  const path = () => ({ app_id: appId.value, id: endpointId.value });

  async function save(draft: EndpointDraft, enabled?: boolean): Promise<void> {
    const current = endpoint.data.value;
    if (current === undefined) {
      return;
    }
    endpoint.data.value = await unwrap(
      updateEndpoint({
        client: apiClient,
        path: path(),
        body: {
          name: draft.name.trim() === '' ? current.name : draft.name.trim(),
          url: draft.url.trim(),
          event_type_ids: draft.eventTypeIds,
          enabled: enabled ?? current.enabled,
          version: current.version,
        },
      }),
    );
  }

  async function setEnabled(enabled: boolean): Promise<void> {
    const current = endpoint.data.value;
    if (current !== undefined) {
      await save({ name: current.name, url: current.url, eventTypeIds: current.event_type_ids }, enabled);
    }
  }

  async function rotate(): Promise<RotateSigningSecretResponse> {
    const rotated = await unwrap(rotateSigningSecret({ client: apiClient, path: path() }));
    await endpoint.reload();

    return rotated;
  }

  async function revoke(index: number): Promise<void> {
    await unwrap(revokeSigningSecret({ client: apiClient, path: { ...path(), index } }));
    await endpoint.reload();
  }

  async function sendTest(): Promise<SendTestEventResponse> {
    const sent = await unwrap(sendTestEvent({ client: apiClient, path: path() }));
    void stats.reload();

    return sent;
  }

  return { endpoint, stats, save, setEnabled, rotate, revoke, sendTest };
}
