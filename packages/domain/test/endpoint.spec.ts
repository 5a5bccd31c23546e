import {
  createEndpoint,
  isWellFormedSigningSecret,
  MAX_SUBSCRIPTIONS,
  PigeonError,
  revokeEndpointSecret,
  rotateEndpointSecret,
  updateEndpoint,
} from '../src';
import { anEndpoint, NOW, thrownBy } from './builders';

const GENERATED_NAME = /^[a-z]+-[a-z]+$/;

describe('createEndpoint', () => {
  it('starts enabled at version 1 with one signing secret', () => {
    const sut = createEndpoint({
      appId: 'app-1',
      name: 'Ledger',
      url: 'https://hooks.example.com/pigeon',
      eventTypeIds: ['event-type-1'],
      now: NOW,
    });

    expect(sut.version).toBe(1);
    expect(sut.enabled).toBe(true);
    expect(sut.name).toBe('Ledger');
    expect(sut.url).toBe('https://hooks.example.com/pigeon');
    expect(sut.signingSecrets).toHaveLength(1);
    expect(isWellFormedSigningSecret(sut.signingSecrets[0]!)).toBe(true);
    expect(sut.createdAt).toEqual(NOW);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['empty', ''],
    ['blank', '   '],
  ])('generates a name when the name is %s', (_case, name) => {
    const sut = anEndpoint({ name });

    expect(sut.name).toMatch(GENERATED_NAME);
  });

  it('collapses duplicate event type ids in request order', () => {
    const sut = anEndpoint({ eventTypeIds: ['b', 'a', 'b', 'a', 'c'] });

    expect(sut.eventTypeIds).toEqual(['b', 'a', 'c']);
  });

  it('accepts no subscriptions', () => {
    const sut = anEndpoint({ eventTypeIds: [] });

    expect(sut.eventTypeIds).toEqual([]);
  });

  it('accepts the maximum number of subscriptions', () => {
    const ids = Array.from({ length: MAX_SUBSCRIPTIONS }, (_, index) => `event-type-${index}`);

    const sut = anEndpoint({ eventTypeIds: ids });

    expect(sut.eventTypeIds).toHaveLength(1000);
  });

  it('rejects more than the maximum number of subscriptions', () => {
    const ids = Array.from({ length: MAX_SUBSCRIPTIONS + 1 }, (_, index) => `event-type-${index}`);

    const error = thrownBy(() => anEndpoint({ eventTypeIds: ids }));

    expect((error as PigeonError).message).toBe('validation error: an endpoint can subscribe to at most 1000 event types');
  });

  it('rejects a name over 256 characters', () => {
    const error = thrownBy(() => anEndpoint({ name: 'n'.repeat(257) }));

    expect((error as PigeonError).message).toBe('validation error: endpoint name must be at most 256 characters');
  });

  it('rejects an invalid URL', () => {
    const error = thrownBy(() => anEndpoint({ url: 'ftp://example.com' }));

    expect((error as PigeonError).message).toBe('validation error: endpoint URL must use http or https scheme');
  });

  it('gives each endpoint its own secret', () => {
    const first = anEndpoint();
    const second = anEndpoint();

    expect(first.signingSecrets[0]).not.toBe(second.signingSecrets[0]);
  });
});

describe('updateEndpoint', () => {
  const change = {
    url: 'https://hooks.example.com/v2',
    eventTypeIds: ['event-type-2'],
    expectedVersion: 1,
  };

  it('replaces URL and subscriptions and bumps the version', () => {
    const sut = anEndpoint();

    const updated = updateEndpoint(sut, change);

    expect(updated.url).toBe('https://hooks.example.com/v2');
    expect(updated.eventTypeIds).toEqual(['event-type-2']);
    expect(updated.version).toBe(2);
    expect(updated.signingSecrets).toEqual(sut.signingSecrets);
  });

  it('keeps the name and enabled flag when they are null', () => {
    const sut = anEndpoint({ name: 'Ledger' });

    const updated = updateEndpoint(sut, { ...change, name: null, enabled: null });

    expect(updated.name).toBe('Ledger');
    expect(updated.enabled).toBe(true);
  });

  it('renames the endpoint', () => {
    const sut = anEndpoint({ name: 'Ledger' });

    const updated = updateEndpoint(sut, { ...change, name: 'Ledger v2' });

    expect(updated.name).toBe('Ledger v2');
  });

  it('re-enables a disabled endpoint', () => {
    const sut = { ...anEndpoint(), enabled: false };

    const updated = updateEndpoint(sut, { ...change, enabled: true });

    expect(updated.enabled).toBe(true);
  });

  it('keeps a disabled endpoint disabled when enabled is omitted', () => {
    const sut = { ...anEndpoint(), enabled: false };

    const updated = updateEndpoint(sut, change);

    expect(updated.enabled).toBe(false);
  });

  it('disables an endpoint', () => {
    const sut = anEndpoint();

    const updated = updateEndpoint(sut, { ...change, enabled: false });

    expect(updated.enabled).toBe(false);
  });

  it('collapses duplicate event type ids', () => {
    const sut = anEndpoint();

    const updated = updateEndpoint(sut, { ...change, eventTypeIds: ['x', 'x', 'y'] });

    expect(updated.eventTypeIds).toEqual(['x', 'y']);
  });

  it('rejects a stale version', () => {
    const sut = updateEndpoint(anEndpoint(), change);

    const error = thrownBy(() => updateEndpoint(sut, change));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('version_conflict');
  });

  it('rejects an invalid URL', () => {
    const sut = anEndpoint();

    const error = thrownBy(() => updateEndpoint(sut, { ...change, url: 'javascript:alert(1)' }));

    expect((error as PigeonError).message).toBe('validation error: endpoint URL must use http or https scheme');
  });
});

describe('rotateEndpointSecret', () => {
  it('prepends a new secret and returns it', () => {
    const sut = anEndpoint();
    const original = sut.signingSecrets[0];

    const { endpoint, newSecret } = rotateEndpointSecret(sut);

    expect(endpoint.signingSecrets).toEqual([newSecret, original]);
    expect(isWellFormedSigningSecret(newSecret)).toBe(true);
    expect(endpoint.version).toBe(2);
  });

  it('rejects a third secret', () => {
    const sut = rotateEndpointSecret(anEndpoint()).endpoint;

    const error = thrownBy(() => rotateEndpointSecret(sut));

    expect((error as PigeonError).message).toBe(
      'validation error: endpoint already has the maximum number of signing secrets (2)',
    );
  });
});

describe('revokeEndpointSecret', () => {
  it('removes the secret at the index and bumps the version', () => {
    const sut = rotateEndpointSecret(anEndpoint()).endpoint;
    const [newest] = sut.signingSecrets;

    const revoked = revokeEndpointSecret(sut, 1);

    expect(revoked.signingSecrets).toEqual([newest]);
    expect(revoked.version).toBe(3);
  });

  it('rejects the last secret', () => {
    const sut = anEndpoint();

    const error = thrownBy(() => revokeEndpointSecret(sut, 0));

    expect((error as PigeonError).message).toBe('validation error: cannot revoke the last signing secret');
  });
});
