import { createOidcConfig, createOrganization, PigeonError, renameOrganization } from '../src';
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

describe('createOidcConfig URLs', () => {
  const valid = {
    orgId: 'org-1',
    issuerUrl: 'https://issuer.example.com',
    audience: 'pigeon',
    jwksUrl: 'https://issuer.example.com/jwks',
    now: NOW,
  };

  it('accepts http issuers, as local providers use', () => {
    const sut = createOidcConfig({ ...valid, issuerUrl: 'http://127.0.0.1:8080', jwksUrl: 'http://127.0.0.1:8080/keys' });

    expect(sut.issuerUrl).toBe('http://127.0.0.1:8080');
  });

  it.each([
    ['issuerUrl', 'issuer.example.com', 'issuer URL'],
    ['issuerUrl', 'https://issuer.example.com/ ', 'issuer URL'],
    ['issuerUrl', 'mailto:admin@example.com', 'issuer URL'],
    ['jwksUrl', 'ftp://issuer.example.com/jwks', 'JWKS URL'],
    ['jwksUrl', '/jwks', 'JWKS URL'],
  ])('rejects %s %j', (field, value, name) => {
    const error = thrownBy(() => createOidcConfig({ ...valid, [field]: value }));

    expect((error as PigeonError).message).toBe(`validation error: ${name} must be an absolute http or https URL, got ${JSON.stringify(value)}`);
  });

  it('rejects an audience over 2048 characters', () => {
    const error = thrownBy(() => createOidcConfig({ ...valid, audience: 'a'.repeat(2049) }));

    expect((error as PigeonError).message).toBe('validation error: audience must be at most 2048 characters');
  });
});

describe('renameOrganization', () => {
  const organization = createOrganization({ name: 'Acme', slug: 'acme', now: NOW });

  it('renames and counts the version up', () => {
    const sut = renameOrganization(organization, 'Acme Corp', 1);

    expect(sut).toEqual({ ...organization, name: 'Acme Corp', version: 2 });
  });

  it('checks the version before the name', () => {
    const error = thrownBy(() => renameOrganization(organization, ' ', 2));

    expect((error as PigeonError).code).toBe('version_conflict');
  });

  it('rejects a blank name', () => {
    const error = thrownBy(() => renameOrganization(organization, ' ', 1));

    expect((error as PigeonError).message).toBe('validation error: organization name must not be empty');
  });
});
