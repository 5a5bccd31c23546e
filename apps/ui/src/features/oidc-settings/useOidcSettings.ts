import {
  createMyOidcConfig,
  type CreateOidcConfigRequest,
  deleteMyOidcConfig,
  listMyOidcConfigs,
  type PaginatedOidcConfigResponse,
} from '@pigeon/client';

import { apiClient, unwrap } from '../../api/api-client';
import { useAsyncState } from '../../composables/useAsyncState';

/** Loads the OIDC configs of the caller's organization, newest first, with add and delete. */
export function useOidcSettings() {
  const list = useAsyncState<PaginatedOidcConfigResponse>(() => unwrap(listMyOidcConfigs({ client: apiClient, query: { limit: 100 } })));

  async function create(body: CreateOidcConfigRequest): Promise<void> {
    await unwrap(createMyOidcConfig({ client: apiClient, body }));
    await list.reload();
  }

  async function remove(id: string): Promise<void> {
    await unwrap(deleteMyOidcConfig({ client: apiClient, path: { id } }));
    await list.reload();
  }

  return { list, create, remove };
}
