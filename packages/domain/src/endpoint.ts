import { validateEndpointUrl } from './endpoint-url';
import { PigeonError } from './errors';
import { newId } from './identifiers';
import { generateEndpointName } from './endpoint-name';
import { generateSigningSecret, revokeSigningSecret, rotateSigningSecrets } from './signing-secret';
import { requireMaxLength } from './text';
import { assertVersion, INITIAL_VERSION } from './versioned';

export const MAX_ENDPOINT_NAME_LENGTH = 256;
export const MAX_SUBSCRIPTIONS = 1000;

export interface Endpoint {
  readonly id: string;
  readonly appId: string;
  readonly name: string;
  readonly url: string;
  readonly enabled: boolean;
  /** Newest first; at most two while a rotation is in progress. */
  readonly signingSecrets: readonly string[];
  readonly eventTypeIds: readonly string[];
  readonly createdAt: Date;
  readonly version: number;
}

function validateSubscriptions(eventTypeIds: readonly string[]): string[] {
  if (eventTypeIds.length > MAX_SUBSCRIPTIONS) {
    throw PigeonError.validation(`an endpoint can subscribe to at most ${MAX_SUBSCRIPTIONS} event types`);
  }

  // Duplicates in the request collapse into one subscription instead of failing.
  return [...new Set(eventTypeIds)];
}

function resolveName(name: string | null | undefined): string {
  if (name === null || name === undefined || name.trim() === '') {
    return generateEndpointName();
  }

  return requireMaxLength(name, MAX_ENDPOINT_NAME_LENGTH, 'endpoint name');
}

export function createEndpoint(input: {
  appId: string;
  name?: string | null;
  url: string;
  eventTypeIds: readonly string[];
  now: Date;
}): Endpoint {
  const eventTypeIds = validateSubscriptions(input.eventTypeIds);
  const url = validateEndpointUrl(input.url);

  return {
    id: newId(),
    appId: input.appId,
    name: resolveName(input.name),
    url,
    enabled: true,
    signingSecrets: [generateSigningSecret()],
    eventTypeIds,
    createdAt: input.now,
    version: INITIAL_VERSION,
  };
}

export interface EndpointChange {
  url: string;
  eventTypeIds: readonly string[];
  name?: string | null;
  enabled?: boolean | null;
  expectedVersion: number;
}

export function updateEndpoint(endpoint: Endpoint, change: EndpointChange): Endpoint {
  assertVersion(endpoint.version, change.expectedVersion);
  const eventTypeIds = validateSubscriptions(change.eventTypeIds);
  const url = validateEndpointUrl(change.url);
  const name =
    change.name === null || change.name === undefined ? endpoint.name : resolveName(change.name);
  const enabled = change.enabled ?? endpoint.enabled;

  return { ...endpoint, url, eventTypeIds, name, enabled, version: endpoint.version + 1 };
}

export function rotateEndpointSecret(endpoint: Endpoint): { endpoint: Endpoint; newSecret: string } {
  const newSecret = generateSigningSecret();
  const signingSecrets = rotateSigningSecrets(endpoint.signingSecrets, newSecret);

  return { endpoint: { ...endpoint, signingSecrets, version: endpoint.version + 1 }, newSecret };
}

export function revokeEndpointSecret(endpoint: Endpoint, index: number): Endpoint {
  const signingSecrets = revokeSigningSecret(endpoint.signingSecrets, index);

  return { ...endpoint, signingSecrets, version: endpoint.version + 1 };
}
