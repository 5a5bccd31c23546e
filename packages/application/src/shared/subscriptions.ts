import { PigeonError } from '@pigeon/domain';

import type { EventTypeRepository } from '../ports/repositories';

/** Rejects subscriptions to event types that are not visible event types of the same application. */
export async function assertSubscribable(
  eventTypes: EventTypeRepository,
  appId: string,
  eventTypeIds: readonly string[],
): Promise<void> {
  if (eventTypeIds.length === 0) {
    return;
  }

  const unknown = await eventTypes.findUnknownIds(appId, eventTypeIds);
  if (unknown.length > 0) {
    throw PigeonError.validation(`Event type not found: ${unknown[0]}`);
  }
}
