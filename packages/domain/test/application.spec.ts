import { createApplication, PigeonError, renameApplication } from '../src';
import { anApplication, NOW, ORG_ID, thrownBy } from './builders';

describe('createApplication', () => {
  it('starts at version 1', () => {
    const sut = createApplication({ orgId: ORG_ID, name: 'Billing', uid: 'billing', now: NOW });

    expect(sut.version).toBe(1);
    expect(sut.orgId).toBe(ORG_ID);
    expect(sut.name).toBe('Billing');
    expect(sut.uid).toBe('billing');
    expect(sut.createdAt).toEqual(NOW);
    expect(sut.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it.each([
    ['an empty name', { name: '' }, 'application name must not be empty'],
    ['a blank name', { name: '  \t ' }, 'application name must not be empty'],
    ['a name over 256 characters', { name: 'n'.repeat(257) }, 'application name must be at most 256 characters'],
    ['an empty UID', { uid: '' }, 'application UID must not be empty'],
    ['a blank UID', { uid: '   ' }, 'application UID must not be empty'],
    ['a UID over 256 characters', { uid: 'u'.repeat(257) }, 'application UID must be at most 256 characters'],
  ])('rejects %s', (_case, overrides, detail) => {
    const error = thrownBy(() => anApplication(overrides));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).message).toBe(`validation error: ${detail}`);
  });

  it('accepts a name of exactly 256 characters', () => {
    const sut = anApplication({ name: 'n'.repeat(256) });

    expect(sut.name).toHaveLength(256);
  });
});

describe('renameApplication', () => {
  it('renames and bumps the version', () => {
    const sut = anApplication();

    const renamed = renameApplication(sut, 'Invoicing', 1);

    expect(renamed.name).toBe('Invoicing');
    expect(renamed.version).toBe(2);
    expect(renamed.id).toBe(sut.id);
    expect(renamed.uid).toBe(sut.uid);
  });

  it('leaves the original unchanged', () => {
    const sut = anApplication();

    renameApplication(sut, 'Invoicing', 1);

    expect(sut.name).toBe('Billing');
    expect(sut.version).toBe(1);
  });

  it('rejects a stale version', () => {
    const sut = renameApplication(anApplication(), 'Invoicing', 1);

    const error = thrownBy(() => renameApplication(sut, 'Payments', 1));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).code).toBe('version_conflict');
  });

  it('rejects a blank name', () => {
    const sut = anApplication();

    const error = thrownBy(() => renameApplication(sut, ' ', 1));

    expect((error as PigeonError).message).toBe('validation error: application name must not be empty');
  });
});
