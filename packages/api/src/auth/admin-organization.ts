/**
 * The organization whose users may call the admin API: the bootstrap
 * organization, found by its slug when the process starts. `id` is null when
 * bootstrapping is off or that organization does not exist, which turns the
 * admin API off.
 */
export abstract class AdminOrganization {
  abstract readonly id: string | null;
}
