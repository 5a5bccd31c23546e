import { createOidcConfig, createOrganization, PigeonError } from '../src';
import { NOW, thrownBy } from './builders';

describe('createOrganization', () => {
  it('starts at version 1', () => {
    const sut = createOrganization({ name: 'Acme', slug: 'acme-1', now: NOW });

    expect(sut.version).toBe(1);
    expect(sut.name).toBe('Acme');
    expect(sut.slug).toBe('acme-1');
    expect(sut.createdAt).toEqual(NOW);
  });

  it.each([
    ['a blank name', { name: ' ', slug: 'acme' }, 'organization name must not be empty'],
    ['a name over 256 characters', { name: 'n'.repeat(257), slug: 'acme' }, 'organization name must be at most 256 characters'],
    ['a blank slug', { name: 'Acme', slug: '' }, 'organization slug must not be empty'],
    ['a slug over 63 characters', { name: 'Acme', slug: 'a'.repeat(64) }, 'organization slug must be at most 63 characters'],
    ['an uppercase slug', { name: 'Acme', slug: 'Acme' }, 'organization slug contains invalid characters'],
    ['a slug with a space', { name: 'Acme', slug: 'acme corp' }, 'organization slug contains invalid characters'],
    ['a slug with an underscore', { name: 'Acme', slug: 'acme_corp' }, 'organization slug contains invalid characters'],
  ])('rejects %s', (_case, input, detail) => {
    const error = thrownBy(() => createOrganization({ ...input, now: NOW }));

    expect(error).toBeInstanceOf(PigeonError);
    expect((error as PigeonError).message).toBe(`validation error: ${detail}`);
  });
});

describe('createOidcConfig', () => {
  const valid = {
    orgId: 'org-1',
    issuerUrl: 'https://issuer.example.com',
    audience: 'pigeon',
    jwksUrl: 'https://issuer.example.com/jwks',
    now: NOW,
  };

  it('starts at version 1', () => {
    const sut = createOidcConfig(valid);

    expect(sut.version).toBe(1);
    expect(sut.issuerUrl).toBe('https://issuer.example.com');
  });

  it.each([
    ['issuerUrl', 'issuer URL must not be empty'],
    ['audience', 'audience must not be empty'],
    ['jwksUrl', 'JWKS URL must not be empty'],
  ])('rejects a blank %s', (field, detail) => {
    const error = thrownBy(() => createOidcConfig({ ...valid, [field]: ' ' }));

    expect((error as PigeonError).message).toBe(`validation error: ${detail}`);
  });
});
