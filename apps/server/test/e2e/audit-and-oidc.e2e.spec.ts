import { randomUUID } from 'node:crypto';

import { startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';
import { type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

interface AuditItem {
  id: string;
  command_name: string;
  actor: string;
  timestamp: string;
  success: boolean;
  error_message: string | null;
}

describe('audit log and tenant OIDC configs', () => {
  let pigeon: PigeonUnderTest;
  let other: { id: string; issuer: TestIssuer; token: string };
  const issuers: TestIssuer[] = [];

  async function anIssuer(): Promise<TestIssuer> {
    const issuer = await startTestIssuer(`aud-${randomUUID()}`);
    issuers.push(issuer);

    return issuer;
  }

  beforeAll(async () => {
    pigeon = await startPigeon();

    const issuer = await anIssuer();
    const created = await pigeon.request('POST', '/admin/v1/organizations', {
      name: 'Other',
      slug: 'other',
      oidc_issuer_url: issuer.issuerUrl,
      oidc_audience: issuer.audience,
      oidc_jwks_url: issuer.jwksUrl,
    });
    other = { id: created.json.id, issuer, token: issuer.token({ sub: 'other-user' }) };
  });

  afterAll(async () => {
    await pigeon?.stop();
    await Promise.all(issuers.map((issuer) => issuer.stop()));
  });

  const auditLog = async (query = '', token?: string): Promise<AuditItem[]> => {
    const response = await pigeon.request('GET', `/api/v1/audit-log${query}`, undefined, { token });
    expect(response.status).toBe(200);

    return response.json.items;
  };

  describe('audit log', () => {
    it('records a successful command with its actor', async () => {
      await pigeon.request('POST', '/api/v1/applications', { name: 'Audited', uid: 'audited' });

      const items = await auditLog('?command=CreateApplication');

      expect(items[0]).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        command_name: 'CreateApplication',
        actor: 'test-user',
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/),
        success: true,
        error_message: null,
      });
    });

    it('records a failed command with its error', async () => {
      const app = (await pigeon.request('POST', '/api/v1/applications', { name: 'Stale', uid: 'stale' })).json;
      await pigeon.request('PUT', `/api/v1/applications/${app.id}`, { name: 'Fresh', version: 1 });
      const rejected = await pigeon.request('PUT', `/api/v1/applications/${app.id}`, { name: 'Late', version: 1 });

      const items = await auditLog('?command=UpdateApplication');

      expect(rejected.status).toBe(409);
      expect(items.map((item) => [item.success, item.error_message])).toEqual([
        [false, 'conflict: resource was modified by another request'],
        [true, null],
      ]);
    });

    it('does not record a rolled-back command as a success', async () => {
      // The organization row is written before the duplicate config fails, so the whole command rolls back.
      const rejected = await pigeon.request('POST', '/admin/v1/organizations', {
        name: 'Rolled back',
        slug: 'rolled-back',
        oidc_issuer_url: pigeon.issuer.issuerUrl,
        oidc_audience: pigeon.issuer.audience,
        oidc_jwks_url: pigeon.issuer.jwksUrl,
      });

      const items = await auditLog('?command=CreateOrganization');

      expect(rejected.status).toBe(400);
      expect(items[0]).toMatchObject({
        success: false,
        error_message: 'validation error: An OIDC config with this issuer and audience already exists',
      });
      expect(items.filter((item) => item.success)).toHaveLength(1);
      const organizations = await pigeon.request('GET', '/admin/v1/organizations');
      expect(organizations.json.items.map((item: { slug: string }) => item.slug)).not.toContain('rolled-back');
    });

    it('filters by a case-insensitive part of the command name', async () => {
      const items = await auditLog('?command=aPPlicAtion');

      const names = new Set(items.map((item) => item.command_name));
      expect(names).toEqual(new Set(['CreateApplication', 'UpdateApplication']));
    });

    it.each([['%'], ['_'], ['\\']])('matches %s literally', async (text) => {
      const items = await auditLog(`?command=${encodeURIComponent(text)}`);

      expect(items).toEqual([]);
    });

    it('filters by outcome', async () => {
      const failed = await auditLog('?success=false');
      const succeeded = await auditLog('?success=true');

      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((item) => !item.success)).toBe(true);
      expect(succeeded.length).toBeGreaterThan(0);
      expect(succeeded.every((item) => item.success)).toBe(true);
    });

    it('rejects an outcome other than true or false', async () => {
      const response = await pigeon.request('GET', '/api/v1/audit-log?success=yes');

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'success must be true or false', code: 'bad_request' });
    });

    it('pages with a default limit of 50, newest first', async () => {
      const response = await pigeon.request('GET', '/api/v1/audit-log');
      const secondPage = await pigeon.request('GET', '/api/v1/audit-log?offset=1&limit=1');

      const timestamps = response.json.items.map((item: AuditItem) => Date.parse(item.timestamp));
      expect(response.json.limit).toBe(50);
      expect(response.json.offset).toBe(0);
      expect(timestamps).toEqual([...timestamps].sort((a, b) => b - a));
      expect(secondPage.json.items).toEqual([response.json.items[1]]);
      expect(secondPage.json.total).toBe(response.json.total);
    });

    it("shows only the caller organization's entries", async () => {
      await pigeon.request('POST', '/api/v1/applications', { name: 'Theirs', uid: 'theirs' }, { token: other.token });

      const items = await auditLog('', other.token);

      expect(items.map((item) => [item.command_name, item.actor])).toEqual([['CreateApplication', 'other-user']]);
    });
  });

  describe('tenant OIDC configs', () => {
    const configs = (token?: string) => pigeon.request('GET', '/api/v1/oidc-configs', undefined, { token });

    it("lists the caller organization's configs", async () => {
      const response = await configs(other.token);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ total: 1, offset: 0, limit: 20 });
      expect(response.json.items).toEqual([
        {
          id: expect.any(String),
          org_id: other.id,
          issuer_url: other.issuer.issuerUrl,
          audience: other.issuer.audience,
          jwks_url: other.issuer.jwksUrl,
          created_at: expect.any(String),
          version: 1,
        },
      ]);
    });

    it('adds a config to the caller organization', async () => {
      const issuer = await anIssuer();

      const response = await pigeon.request(
        'POST',
        '/api/v1/oidc-configs',
        { issuer_url: issuer.issuerUrl, audience: issuer.audience, jwks_url: issuer.jwksUrl },
        { token: other.token },
      );

      expect(response.status).toBe(201);
      expect(response.json).toMatchObject({ org_id: other.id, issuer_url: issuer.issuerUrl, version: 1 });
      const listed = await configs(other.token);
      expect(listed.json.items[0].id).toBe(response.json.id);
      const tenantCall = await pigeon.request('GET', '/api/v1/applications', undefined, { token: issuer.token() });
      expect(tenantCall.json.items.map((item: { org_id: string }) => item.org_id)).toEqual([other.id]);
    });

    it('rejects an issuer and audience pair that is taken', async () => {
      const response = await pigeon.request(
        'POST',
        '/api/v1/oidc-configs',
        { issuer_url: pigeon.issuer.issuerUrl, audience: pigeon.issuer.audience, jwks_url: pigeon.issuer.jwksUrl },
        { token: other.token },
      );

      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        error: 'validation error: An OIDC config with this issuer and audience already exists',
        code: 'bad_request',
      });
    });

    it.each([
      ['a blank issuer', { issuer_url: ' ' }, 'validation error: issuer URL must not be empty'],
      ['a blank audience', { audience: ' ' }, 'validation error: audience must not be empty'],
      ['a blank JWKS URL', { jwks_url: '' }, 'validation error: JWKS URL must not be empty'],
      ['a relative issuer', { issuer_url: '/login' }, 'validation error: issuer URL must be an absolute http or https URL, got "/login"'],
      ['an issuer with a space', { issuer_url: 'https://login.example.com ' }, 'validation error: issuer URL must be an absolute http or https URL, got "https://login.example.com "'],
      ['a JWKS URL of another scheme', { jwks_url: 'file:///etc/keys' }, 'validation error: JWKS URL must be an absolute http or https URL, got "file:///etc/keys"'],
    ])('rejects %s with 400', async (_case, overrides, message) => {
      const body = { issuer_url: 'https://login.example.com', audience: 'pigeon', jwks_url: 'https://login.example.com/keys', ...overrides };

      const response = await pigeon.request('POST', '/api/v1/oidc-configs', body, { token: other.token });

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: message, code: 'bad_request' });
    });

    it('rejects a missing field with 400 naming it', async () => {
      const body = { issuer_url: 'https://login.example.com', jwks_url: 'https://login.example.com/keys' };

      const response = await pigeon.request('POST', '/api/v1/oidc-configs', body, { token: other.token });

      expect(response.status).toBe(400);
      expect(response.json.error).toMatch(/^validation error: .*audience must be a string/);
    });

    it('hides the configs of other organizations', async () => {
      const foreignId = (await configs()).json.items[0].id;

      const response = await pigeon.request('DELETE', `/api/v1/oidc-configs/${foreignId}`, undefined, { token: other.token });

      expect(response.status).toBe(404);
      expect(response.json.code).toBe('not_found');
      expect((await configs()).json.items.map((item: { id: string }) => item.id)).toContain(foreignId);
    });

    it('refuses to delete the last config', async () => {
      const onlyId = (await configs()).json.items[0].id;

      const response = await pigeon.request('DELETE', `/api/v1/oidc-configs/${onlyId}`);

      expect(response.status).toBe(400);
      expect(response.json).toEqual({
        error: 'validation error: cannot delete the last OIDC config for an organization',
        code: 'bad_request',
      });
    });

    it('deletes a config, and its tokens get 401', async () => {
      const issuer = await anIssuer();
      const created = await pigeon.request(
        'POST',
        '/api/v1/oidc-configs',
        { issuer_url: issuer.issuerUrl, audience: issuer.audience, jwks_url: issuer.jwksUrl },
        { token: other.token },
      );
      const before = await pigeon.request('GET', '/api/v1/applications', undefined, { token: issuer.token() });

      const response = await pigeon.request('DELETE', `/api/v1/oidc-configs/${created.json.id}`, undefined, { token: other.token });

      expect(before.status).toBe(200);
      expect(response.status).toBe(204);
      const after = await pigeon.request('GET', '/api/v1/applications', undefined, { token: issuer.token() });
      expect(after.status).toBe(401);
      expect(after.json).toEqual({ error: 'unknown issuer or audience', code: 'unauthorized' });
    });

    it('reports an unknown config as 404', async () => {
      const response = await pigeon.request('DELETE', '/api/v1/oidc-configs/00000000-0000-4000-8000-000000000000');

      expect(response.status).toBe(404);
    });

    it('audits creates and deletes', async () => {
      const items = await auditLog('?command=OidcConfig', other.token);

      const names = new Set(items.map((item) => `${item.command_name} ${String(item.success)}`));
      expect(names).toEqual(
        new Set(['CreateOidcConfig true', 'CreateOidcConfig false', 'DeleteOidcConfig true', 'DeleteOidcConfig false']),
      );
    });
  });
});
