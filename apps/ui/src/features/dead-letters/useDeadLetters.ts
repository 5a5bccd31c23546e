import { listDeadLetters, type PaginatedDeadLetterResponse, replay, type ReplayDeadLetterResponse } from '@pigeon/client';
import { type Ref, ref, watch } from 'vue';

import { apiClient, unwrap } from '../../api/api-client';
import { useAsyncState } from '../../composables/useAsyncState';

export const DEAD_LETTER_PAGE_SIZE = 50;

/** Loads the dead letters of an application, filtered by endpoint and replay state, and replays them. */
export function useDeadLetters(appId: Ref<string>) {
  const endpointId = ref('');
  const replayed = ref<'' | 'true' | 'false'>('');
  const offset = ref(0);

  const list = useAsyncState<PaginatedDeadLetterResponse>(() =>
    unwrap(
      listDeadLetters({
        client: apiClient,
        path: { app_id: appId.value },
        query: {
          offset: offset.value,
          limit: DEAD_LETTER_PAGE_SIZE,
          ...(endpointId.value === '' ? {} : { endpoint_id: endpointId.value }),
          ...(replayed.value === '' ? {} : { replayed: replayed.value }),
        },
      }),
    ),
  );
  watch([appId, endpointId, replayed], () => {
    offset.value = 0;
    void list.reload();
  });
  watch(offset, () => void list.reload());

  async function replayDeadLetter(id: string): Promise<ReplayDeadLetterResponse> {
    const result = await unwrap(replay({ client: apiClient, path: { app_id: appId.value, id } }));
    await list.reload();

    return result;
  }

  return { endpointId, replayed, offset, list, replay: replayDeadLetter };
}
