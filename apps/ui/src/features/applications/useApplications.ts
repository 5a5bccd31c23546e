import {
  type ApplicationResponse,
  type AppStatsResponse,
  createApplication,
  deleteApplication,
  getApplication,
  getStats,
  listApplications,
  type PaginatedApplicationResponse,
  updateApplication,
} from '@pigeon/client';
import { type Ref, ref, watch } from 'vue';

import { apiClient, unwrap } from '../../api/api-client';
import { type AsyncState, useAsyncState } from '../../composables/useAsyncState';
import type { StatsPeriod } from '../../lib/stats-buckets';

export const PAGE_SIZE = 25;

/** Loads the applications list for its search text and page, with create and delete. */
export function useApplicationList() {
  const search = ref('');
  const offset = ref(0);
  const list = useAsyncState<PaginatedApplicationResponse>(() => {
    const text = search.value.trim();

    return unwrap(
      listApplications({ client: apiClient, query: { offset: offset.value, limit: PAGE_SIZE, ...(text === '' ? {} : { search: text }) } }),
    );
  });

  // Typing restarts the search after a short pause instead of on every key.
  let searchTimer: ReturnType<typeof setTimeout> | undefined;
  watch(search, () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      offset.value = 0;
      void list.reload();
    }, 250);
  });
  watch(offset, () => void list.reload());

  async function create(name: string, uid: string): Promise<ApplicationResponse> {
    const created = await unwrap(createApplication({ client: apiClient, body: { name, uid } }));
    await list.reload();

    return created;
  }

  async function remove(id: string): Promise<void> {
    await unwrap(deleteApplication({ client: apiClient, path: { id } }));
    await list.reload();
  }

  return { search, offset, list, create, remove };
}

/** Loads one application, with rename. */
export function useApplication(appId: Ref<string>) {
  const application = useAsyncState<ApplicationResponse>(() => unwrap(getApplication({ client: apiClient, path: { id: appId.value } })));
  watch(appId, () => void application.reload());

  async function rename(name: string): Promise<void> {
    const current = application.data.value;
    if (current === undefined) {
      return;
    }
    application.data.value = await unwrap(
      updateApplication({ client: apiClient, path: { id: current.id }, body: { name, version: current.version } }),
    );
  }

  return { application, rename };
}

/** Delivery stats of an application for the chosen period. */
export function useApplicationStats(appId: Ref<string>, period: Ref<StatsPeriod>): AsyncState<AppStatsResponse> {
  const stats = useAsyncState(() => unwrap(getStats({ client: apiClient, path: { app_id: appId.value }, query: { period: period.value } })));
  watch([appId, period], () => void stats.reload());

  return stats;
}
