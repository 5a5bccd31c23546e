import { listAuditLog, type PaginatedAuditLogResponse } from '@pigeon/client';
import { ref, watch } from 'vue';

import { apiClient, unwrap } from '../../api/api-client';
import { useAsyncState } from '../../composables/useAsyncState';

export const AUDIT_PAGE_SIZE = 50;

/** Loads the organization's audit log, filtered by command name and outcome. */
export function useAuditLog() {
  const command = ref('');
  const success = ref<'' | 'true' | 'false'>('');
  const offset = ref(0);

  const list = useAsyncState<PaginatedAuditLogResponse>(() => {
    const text = command.value.trim();

    return unwrap(
      listAuditLog({
        client: apiClient,
        query: {
          offset: offset.value,
          limit: AUDIT_PAGE_SIZE,
          ...(text === '' ? {} : { command: text }),
          ...(success.value === '' ? {} : { success: success.value }),
        },
      }),
    );
  });

  let commandTimer: ReturnType<typeof setTimeout> | undefined;
  watch(command, () => {
    clearTimeout(commandTimer);
    commandTimer = setTimeout(() => {
      offset.value = 0;
      void list.reload();
    }, 250);
  });
  watch(success, () => {
    offset.value = 0;
    void list.reload();
  });
  watch(offset, () => void list.reload());

  return { command, success, offset, list };
}
