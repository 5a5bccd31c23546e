import { type Application, PigeonError } from '@pigeon/domain';

import type { ApplicationRepository } from '../ports/repositories';

/**
 * Loads an application of the caller's organization. A foreign application and a
 * missing one look the same, so tenants cannot probe each other's ids.
 */
export async function requireOwnedApplication(
  applications: ApplicationRepository,
  orgId: string,
  appId: string,
): Promise<Application> {
  const application = await applications.findInOrg(orgId, appId);
  if (application === null) {
    throw PigeonError.notFound();
  }

  return application;
}

export function requireFound<T>(value: T | null): T {
  if (value === null) {
    throw PigeonError.notFound();
  }

  return value;
}
