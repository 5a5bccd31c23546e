import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { startTestIssuer, type TestIssuer } from '../../../../test-support/oidc-issuer';
import { type ApiResponse, type PigeonUnderTest, startPigeon } from '../support/pigeon-harness';

jest.setTimeout(60_000);

const BASE_DOMAIN = 'pigeon.test';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** GET /api/v1/auth/config with a chosen Host header, which fetch() does not let a caller set. */
function getAuthConfig(baseUrl: string, host: string): Promise<{ status: number; contentType: string; json: unknown }> {
  const url = new URL('/api/v1/auth/config', baseUrl);

  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          contentType: String(response.headers['content-type']),
          json: text === '' ? undefined : JSON.parse(text),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

describe('admin API', () => {
  let pigeon: PigeonUnderTest;
  const issuers: TestIssuer[] = [];

  beforeAll(async () => {
    pigeon = await startPigeon({ PIGEON_BASE_DOMAIN: BASE_DOMAIN });
  });

  afterAll(async () => {
    await pigeon?.stop();
    await Promise.all(issuers.map((issuer) => issuer.stop()));
  });

  async function anIssuer(): Promise<TestIssuer> {
    const issuer = await startTestIssuer(`aud-${randomUUID()}`);
    issuers.push(issuer);

    return issuer;
  }

  function organizationBody(slug: string, issuer: TestIssuer, overrides: Record<string, unknown> = {}) {
    return {
      name: `Org ${slug}`,
      slug,
      oidc_issuer_url: issuer.issuerUrl,
      oidc_audience: issuer.audience,
      oidc_jwks_url: issuer.jwksUrl,
      ...overrides,
    };
  }

  /** Creates an organization through the admin API; returns it with a token of its own issuer. */
  async function anOrganization(slug: string): Promise<{ id: string; version: number; issuer: TestIssuer; token: string }> {
    const issuer = await anIssuer();
    const response = await pigeon.request('POST', '/admin/v1/organizations', organizationBody(slug, issuer));
    expect(response.status).toBe(201);

    return { id: response.json.id, version: response.json.version, issuer, token: issuer.token({ sub: `${slug}-user` }) };
  }

  async function configsOf(orgId: string): Promise<ApiResponse> {
    return pigeon.request('GET', `/admin/v1/organizations/${orgId}/oidc-configs`);
  }

  describe('organizations', () => {
    it('creates an organization with its first OIDC config', async () => {
      const issuer = await anIssuer();

      const response = await pigeon.request('POST', '/admin/v1/organizations', organizationBody('acme', issuer));

      expect(response.status).toBe(201);
      expect(response.json).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Org acme',
        slug: 'acme',
        created_at: expect.stringMatching(/Z$/),
        version: 1,
      });
      const configs = await configsOf(response.json.id);
      expect(configs.json.items).toEqual([
        {
          id: expect.any(String),
          org_id: response.json.id,
          issuer_url: issuer.issuerUrl,
          audience: issuer.audience,
          jwks_url: issuer.jwksUrl,
          created_at: expect.any(String),
          version: 1,
        },
      ]);
    });

    it('lets a token of the new organization use the tenant API', async () => {
      const org = await anOrganization('tenant-one');

      const created = await pigeon.request('POST', '/api/v1/applications', { name: 'Theirs', uid: 'theirs' }, { token: org.token });
      const listed = await pigeon.request('GET', '/api/v1/applications', undefined, { token: org.token });

      expect(created.status).toBe(201);
      expect(created.json.org_id).toBe(org.id);
      expect(listed.json.items.map((item: { uid: string }) => item.uid)).toEqual(['theirs']);
    });

    it('rejects callers of other organizations with 403', async () => {
      const org = await anOrganization('not-admin');

      const response = await pigeon.request('GET', '/admin/v1/organizations', undefined, { token: org.token });

      expect(response.status).toBe(403);
      expect(response.json).toEqual({ error: 'not authorized for admin access', code: 'forbidden' });
    });

    it('rejects a request without a token with 401', async () => {
      const response = await pigeon.request('GET', '/admin/v1/organizations', undefined, { token: null });

      expect(response.status).toBe(401);
      expect(response.json.code).toBe('unauthorized');
    });

    it.each([
      ['a blank name', { name: '  ' }, 'validation error: organization name must not be empty'],
      ['a blank slug', { slug: '' }, 'validation error: organization slug must not be empty'],
      ['a slug with capitals', { slug: 'Acme' }, 'validation error: organization slug contains invalid characters'],
      ['a blank issuer', { oidc_issuer_url: ' ' }, 'validation error: issuer URL must not be empty'],
      ['a blank audience', { oidc_audience: '' }, 'validation error: audience must not be empty'],
      ['a blank JWKS URL', { oidc_jwks_url: '' }, 'validation error: JWKS URL must not be empty'],
      ['an issuer that is no URL', { oidc_issuer_url: 'login.example.com' }, 'validation error: issuer URL must be an absolute http or https URL, got "login.example.com"'],
      ['a JWKS URL of another scheme', { oidc_jwks_url: 'ftp://example.com/keys' }, 'validation error: JWKS URL must be an absolute http or https URL, got "ftp://example.com/keys"'],
    ])('rejects %s with 400', async (_case, overrides, message) => {
      const issuer = await anIssuer();

      const response = await pigeon.request('POST', '/admin/v1/organizations', organizationBody('invalid', issuer, overrides));

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: message, code: 'bad_request' });
    });

    it('rejects a missing field with 400 naming it', async () => {
      const issuer = await anIssuer();

      const response = await pigeon.request('POST', '/admin/v1/organizations', organizationBody('invalid', issuer, { oidc_jwks_url: undefined }));

      expect(response.status).toBe(400);
      expect(response.json.error).toMatch(/^validation error: .*oidc_jwks_url must be a string/);
    });

    it('rejects a slug that is taken', async () => {
      await anOrganization('taken');
      const issuer = await anIssuer();

      const response = await pigeon.request('POST', '/admin/v1/organizations', organizationBody('taken', issuer));

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'validation error: Organization with this slug already exists', code: 'bad_request' });
    });

    it('creates nothing when the first OIDC config is rejected', async () => {
      const body = {
        name: 'Copycat',
        slug: 'copycat',
        oidc_issuer_url: pigeon.issuer.issuerUrl,
        oidc_audience: pigeon.issuer.audience,
        oidc_jwks_url: pigeon.issuer.jwksUrl,
      };

      const response = await pigeon.request('POST', '/admin/v1/organizations', body);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: An OIDC config with this issuer and audience already exists');
      const all = await pigeon.request('GET', '/admin/v1/organizations?limit=1000');
      expect(all.json.items.map((item: { slug: string }) => item.slug)).not.toContain('copycat');
    });

    it('lists organizations newest first, paginated', async () => {
      const older = await anOrganization('list-older');
      const newer = await anOrganization('list-newer');

      const firstPage = await pigeon.request('GET', '/admin/v1/organizations?limit=2');
      const all = await pigeon.request('GET', '/admin/v1/organizations?limit=1000');

      expect(firstPage.status).toBe(200);
      expect(firstPage.json.limit).toBe(2);
      expect(firstPage.json.items.map((item: { id: string }) => item.id)).toEqual([newer.id, older.id]);
      expect(firstPage.json.total).toBe(all.json.items.length);
      expect(all.json.items.map((item: { slug: string }) => item.slug)).toContain('system');
    });

    it('gets an organization', async () => {
      const org = await anOrganization('getme');

      const response = await pigeon.request('GET', `/admin/v1/organizations/${org.id}`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ id: org.id, slug: 'getme', name: 'Org getme', version: 1 });
    });

    it('reports an unknown organization as 404', async () => {
      const response = await pigeon.request('GET', `/admin/v1/organizations/${UNKNOWN_ID}`);

      expect(response.status).toBe(404);
      expect(response.json.code).toBe('not_found');
    });

    it('rejects an organization id that is no UUID', async () => {
      const response = await pigeon.request('GET', '/admin/v1/organizations/acme');

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('id must be a UUID');
    });

    it('renames an organization and returns the new version', async () => {
      const org = await anOrganization('rename-me');

      const response = await pigeon.request('PUT', `/admin/v1/organizations/${org.id}`, { name: 'Renamed', version: 1 });

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ id: org.id, name: 'Renamed', slug: 'rename-me', version: 2 });
      const stored = await pigeon.request('GET', `/admin/v1/organizations/${org.id}`);
      expect(stored.json).toMatchObject({ name: 'Renamed', version: 2 });
    });

    it('rejects a stale version with 409', async () => {
      const org = await anOrganization('stale');
      await pigeon.request('PUT', `/admin/v1/organizations/${org.id}`, { name: 'First', version: 1 });

      const response = await pigeon.request('PUT', `/admin/v1/organizations/${org.id}`, { name: 'Second', version: 1 });

      expect(response.status).toBe(409);
      expect(response.json).toEqual({ error: 'conflict: resource was modified by another request', code: 'conflict' });
    });

    it('checks an update for 404, then 409, then 400', async () => {
      const org = await anOrganization('order');

      const missing = await pigeon.request('PUT', `/admin/v1/organizations/${UNKNOWN_ID}`, { name: ' ', version: 7 });
      const stale = await pigeon.request('PUT', `/admin/v1/organizations/${org.id}`, { name: ' ', version: 7 });
      const blank = await pigeon.request('PUT', `/admin/v1/organizations/${org.id}`, { name: ' ', version: 1 });

      expect(missing.status).toBe(404);
      expect(stale.status).toBe(409);
      expect(blank.status).toBe(400);
      expect(blank.json.error).toBe('validation error: organization name must not be empty');
    });

    it('refuses to delete an organization that still has applications', async () => {
      const org = await anOrganization('busy');
      await pigeon.request('POST', '/api/v1/applications', { name: 'One', uid: 'one' }, { token: org.token });
      await pigeon.request('POST', '/api/v1/applications', { name: 'Two', uid: 'two' }, { token: org.token });

      const response = await pigeon.request('DELETE', `/admin/v1/organizations/${org.id}`);

      expect(response.status).toBe(409);
      expect(response.json).toEqual({ error: 'organization still has 2 applications; delete them first', code: 'conflict' });
      const stillThere = await pigeon.request('GET', '/api/v1/applications', undefined, { token: org.token });
      expect(stillThere.json.total).toBe(2);
    });

    it('deletes an organization without applications, and its tokens stop working', async () => {
      const org = await anOrganization('short-lived');
      const app = await pigeon.request('POST', '/api/v1/applications', { name: 'Only', uid: 'only' }, { token: org.token });
      await pigeon.request('DELETE', `/api/v1/applications/${app.json.id}`, undefined, { token: org.token });

      const response = await pigeon.request('DELETE', `/admin/v1/organizations/${org.id}`);

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect((await pigeon.request('GET', `/admin/v1/organizations/${org.id}`)).status).toBe(404);
      const tenantCall = await pigeon.request('GET', '/api/v1/applications', undefined, { token: org.token });
      expect(tenantCall.status).toBe(401);
    });

    it('refuses to delete the admin organization', async () => {
      const all = await pigeon.request('GET', '/admin/v1/organizations?limit=1000');
      const admin = all.json.items.find((item: { slug: string }) => item.slug === 'system');

      const response = await pigeon.request('DELETE', `/admin/v1/organizations/${admin.id}`);

      expect(response.status).toBe(400);
      expect(response.json).toEqual({ error: 'validation error: the admin organization cannot be deleted', code: 'bad_request' });
    });

    it('reports deleting an unknown organization as 404', async () => {
      const response = await pigeon.request('DELETE', `/admin/v1/organizations/${UNKNOWN_ID}`);

      expect(response.status).toBe(404);
    });

    it('audits admin actions under the admin organization', async () => {
      const org = await anOrganization('audited');
      await pigeon.request('PUT', `/admin/v1/organizations/${org.id}`, { name: 'Audited', version: 1 });

      const adminLog = await pigeon.request('GET', '/api/v1/audit-log?command=organization');
      const tenantLog = await pigeon.request('GET', '/api/v1/audit-log', undefined, { token: org.token });

      const names = adminLog.json.items.map((item: { command_name: string }) => item.command_name);
      expect(names).toContain('CreateOrganization');
      expect(names).toContain('UpdateOrganization');
      expect(adminLog.json.items[0]).toMatchObject({ command_name: 'UpdateOrganization', actor: 'test-user', success: true });
      expect(tenantLog.json.total).toBe(0);
    });
  });

  describe('OIDC configs of an organization', () => {
    it('adds a config to the organization in the path', async () => {
      const org = await anOrganization('configs-add');
      const issuer = await anIssuer();

      const response = await pigeon.request('POST', `/admin/v1/organizations/${org.id}/oidc-configs`, {
        issuer_url: issuer.issuerUrl,
        audience: issuer.audience,
        jwks_url: issuer.jwksUrl,
      });

      expect(response.status).toBe(201);
      expect(response.json).toMatchObject({ org_id: org.id, issuer_url: issuer.issuerUrl, version: 1 });
      const tenantCall = await pigeon.request('GET', '/api/v1/applications', undefined, { token: issuer.token() });
      expect(tenantCall.status).toBe(200);
      expect((await configsOf(org.id)).json.total).toBe(2);
    });

    it('gets a config of the organization', async () => {
      const org = await anOrganization('configs-get');
      const configId = (await configsOf(org.id)).json.items[0].id;

      const response = await pigeon.request('GET', `/admin/v1/organizations/${org.id}/oidc-configs/${configId}`);

      expect(response.status).toBe(200);
      expect(response.json).toMatchObject({ id: configId, org_id: org.id, issuer_url: org.issuer.issuerUrl });
    });

    it('hides a config behind another organization in the path', async () => {
      const owner = await anOrganization('configs-owner');
      const other = await anOrganization('configs-other');
      const configId = (await configsOf(owner.id)).json.items[0].id;

      const get = await pigeon.request('GET', `/admin/v1/organizations/${other.id}/oidc-configs/${configId}`);
      const remove = await pigeon.request('DELETE', `/admin/v1/organizations/${other.id}/oidc-configs/${configId}`);

      expect(get.status).toBe(404);
      expect(remove.status).toBe(404);
      expect((await configsOf(owner.id)).json.total).toBe(1);
    });

    it('reports an unknown organization as 404', async () => {
      const issuer = await anIssuer();
      const body = { issuer_url: issuer.issuerUrl, audience: issuer.audience, jwks_url: issuer.jwksUrl };

      const list = await configsOf(UNKNOWN_ID);
      const create = await pigeon.request('POST', `/admin/v1/organizations/${UNKNOWN_ID}/oidc-configs`, body);

      expect(list.status).toBe(404);
      expect(create.status).toBe(404);
    });

    it('refuses to delete the last config', async () => {
      const org = await anOrganization('configs-last');
      const configId = (await configsOf(org.id)).json.items[0].id;

      const response = await pigeon.request('DELETE', `/admin/v1/organizations/${org.id}/oidc-configs/${configId}`);

      expect(response.status).toBe(400);
      expect(response.json.error).toBe('validation error: cannot delete the last OIDC config for an organization');
    });

    it('deletes a config, and its tokens stop working', async () => {
      const org = await anOrganization('configs-delete');
      const firstId = (await configsOf(org.id)).json.items[0].id;
      const replacement = await anIssuer();
      await pigeon.request('POST', `/admin/v1/organizations/${org.id}/oidc-configs`, {
        issuer_url: replacement.issuerUrl,
        audience: replacement.audience,
        jwks_url: replacement.jwksUrl,
      });

      const response = await pigeon.request('DELETE', `/admin/v1/organizations/${org.id}/oidc-configs/${firstId}`);

      expect(response.status).toBe(204);
      expect((await pigeon.request('GET', '/api/v1/applications', undefined, { token: org.token })).status).toBe(401);
      expect((await pigeon.request('GET', '/api/v1/applications', undefined, { token: replacement.token() })).status).toBe(200);
    });
  });

  describe('sign-in settings', () => {
    it('serves the admin organization on a host outside the base domain', async () => {
      const response = await getAuthConfig(pigeon.baseUrl, 'localhost:3000');

      expect(response.status).toBe(200);
      expect(response.json).toEqual({ issuer_url: pigeon.issuer.issuerUrl, audience: pigeon.issuer.audience });
    });

    it('serves the organization named by the subdomain', async () => {
      const org = await anOrganization('subdomain');

      const response = await getAuthConfig(pigeon.baseUrl, `subdomain.${BASE_DOMAIN}:8080`);

      expect(response.status).toBe(200);
      expect(response.json).toEqual({ issuer_url: org.issuer.issuerUrl, audience: org.issuer.audience });
    });

    it('matches the host case-insensitively', async () => {
      const org = await anOrganization('mixed-case');

      const response = await getAuthConfig(pigeon.baseUrl, 'Mixed-Case.Pigeon.TEST');

      expect(response.json).toEqual({ issuer_url: org.issuer.issuerUrl, audience: org.issuer.audience });
    });

    it("returns the organization's newest config", async () => {
      const org = await anOrganization('newest');
      const newer = await anIssuer();
      await pigeon.request('POST', `/admin/v1/organizations/${org.id}/oidc-configs`, {
        issuer_url: newer.issuerUrl,
        audience: newer.audience,
        jwks_url: newer.jwksUrl,
      });

      const response = await getAuthConfig(pigeon.baseUrl, `newest.${BASE_DOMAIN}`);

      expect(response.json).toEqual({ issuer_url: newer.issuerUrl, audience: newer.audience });
    });

    it.each([['the base domain itself', BASE_DOMAIN], ['a deeper subdomain', `a.b.${BASE_DOMAIN}`], ['an IP address', '127.0.0.1:80']])(
      'serves the admin organization on %s',
      async (_case, host) => {
        const response = await getAuthConfig(pigeon.baseUrl, host);

        expect(response.json).toEqual({ issuer_url: pigeon.issuer.issuerUrl, audience: pigeon.issuer.audience });
      },
    );

    it('answers an unknown subdomain with a JSON 404', async () => {
      const response = await getAuthConfig(pigeon.baseUrl, `nobody.${BASE_DOMAIN}`);

      expect(response.status).toBe(404);
      expect(response.contentType).toMatch(/^application\/json/);
      expect(response.json).toEqual({ error: 'organization not found', code: 'not_found' });
    });
  });
});

describe('admin API without an admin organization', () => {
  let pigeon: PigeonUnderTest;

  beforeAll(async () => {
    pigeon = await startPigeon({ PIGEON_BOOTSTRAP_ORG_ENABLED: 'false' });

    // An organization that exists without bootstrapping, so its token passes authentication.
    const client = new Client({ connectionString: pigeon.database.url });
    await client.connect();
    const orgId = randomUUID();
    await client.query(`INSERT INTO organizations (id, name, slug, created_at) VALUES ($1, 'Lone', 'lone', now())`, [orgId]);
    await client.query(
      `INSERT INTO oidc_configs (id, org_id, issuer_url, audience, jwks_url, created_at) VALUES ($1, $2, $3, $4, $5, now())`,
      [randomUUID(), orgId, pigeon.issuer.issuerUrl, pigeon.issuer.audience, pigeon.issuer.jwksUrl],
    );
    await client.end();
  });

  afterAll(async () => {
    await pigeon?.stop();
  });

  it('rejects every caller with 403', async () => {
    const response = await pigeon.request('GET', '/admin/v1/organizations');

    expect(response.status).toBe(403);
    expect(response.json).toEqual({ error: 'admin API is not configured', code: 'forbidden' });
  });

  it('still serves the tenant API', async () => {
    const response = await pigeon.request('GET', '/api/v1/applications');

    expect(response.status).toBe(200);
  });

  it('has no sign-in settings for a host outside any subdomain', async () => {
    const response = await getAuthConfig(pigeon.baseUrl, 'localhost');

    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'organization not found', code: 'not_found' });
  });
});
