import {
  createOrganization,
  type CreateOrganizationRequest,
  deleteOrganization,
  listOrganizations,
  type OrganizationResponse,
  type PaginatedOrganizationResponse,
  updateOrganization,
} from '@pigeon/client';
import { readonly, ref } from 'vue';

import { ApiError, apiClient, unwrap } from '../../api/api-client';
import { useAsyncState } from '../../composables/useAsyncState';

export type AdminAccess = 'unknown' | 'allowed' | 'denied';

const adminAccess = ref<AdminAccess>('unknown');
let probing: Promise<void> | null = null;

/**
 * Tracks whether the signed-in user may use the admin API, which only users of
 * the bootstrap organization may. `probe()` requests `GET /admin/v1/organizations`
 * once: 200 shows the organizations page and 403 hides it. Any other failure
 * also hides it, and the next `probe()` requests it again.
 */
export function useAdminAccess() {
  function probe(): Promise<void> {
    probing ??= unwrap(listOrganizations({ client: apiClient, query: { limit: 1 } }))
      .then(() => {
        adminAccess.value = 'allowed';
      })
      .catch((error: unknown) => {
        adminAccess.value = 'denied';
        if (!(error instanceof ApiError && error.status === 403)) {
          probing = null;
        }
      });

    return probing;
  }

  return { access: readonly(adminAccess), probe };
}

/** Loads all organizations for the admin page, with create, rename and delete. */
export function useOrganizations() {
  const list = useAsyncState<PaginatedOrganizationResponse>(() => unwrap(listOrganizations({ client: apiClient, query: { limit: 100 } })));

  async function create(body: CreateOrganizationRequest): Promise<void> {
    await unwrap(createOrganization({ client: apiClient, body }));
    await list.reload();
  }

  async function rename(organization: OrganizationResponse, name: string): Promise<void> {
    await unwrap(updateOrganization({ client: apiClient, path: { id: organization.id }, body: { name, version: organization.version } }));
    await list.reload();
  }

  async function remove(id: string): Promise<void> {
    await unwrap(deleteOrganization({ client: apiClient, path: { id } }));
    await list.reload();
  }

  return { list, create, rename, remove };
}
