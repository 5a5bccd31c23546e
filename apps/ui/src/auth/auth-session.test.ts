import type { User, UserManager, UserManagerSettings } from 'oidc-client-ts';
import { describe, expect, it, vi } from 'vitest';

import { AuthSession, buildUserManagerSettings } from './auth-session';

const config = { issuer_url: 'http://127.0.0.1:3001', audience: 'pigeon-dev' };

function fakeManager(user: Partial<User> | null) {
  const manager = {
    events: {
      addUserLoaded: vi.fn(),
      addUserUnloaded: vi.fn(),
      addAccessTokenExpired: vi.fn(),
      addSilentRenewError: vi.fn(),
    },
    getUser: vi.fn(async () => user),
    signinRedirect: vi.fn(async () => {}),
  };

  return manager as unknown as UserManager & typeof manager;
}

describe('buildUserManagerSettings', () => {
  it('uses the audience as client id and the callback page', () => {
    const sut = buildUserManagerSettings(config, 'http://127.0.0.1:3000');

    expect(sut).toMatchObject({
      authority: 'http://127.0.0.1:3001',
      client_id: 'pigeon-dev',
      redirect_uri: 'http://127.0.0.1:3000/auth/callback',
      silent_redirect_uri: 'http://127.0.0.1:3000/auth/callback',
      scope: 'openid profile email',
      response_type: 'code',
      automaticSilentRenew: true,
    });
  });
});

describe('AuthSession', () => {
  it('restores a stored user', async () => {
    const manager = fakeManager({ access_token: 'token-1', expired: false, expires_at: 2_000_000_000, profile: { sub: 'alice', iss: '', aud: '', exp: 0, iat: 0, email: 'alice@example.com' } });
    const sut = new AuthSession({ loadConfig: async () => config, createManager: () => manager, origin: 'http://127.0.0.1:3000' });

    await sut.start();

    expect(sut.state.status).toBe('signed-in');
    expect(sut.state.user).toEqual({ name: 'alice@example.com', subject: 'alice', expiresAt: 2_000_000_000 });
    await expect(sut.accessToken()).resolves.toBe('token-1');
  });

  it('is signed out without a stored user', async () => {
    const sut = new AuthSession({ loadConfig: async () => config, createManager: () => fakeManager(null), origin: 'http://x' });

    await sut.start();

    expect(sut.state.status).toBe('signed-out');
    await expect(sut.accessToken()).resolves.toBeUndefined();
  });

  it('reports settings that cannot be loaded', async () => {
    const sut = new AuthSession({
      loadConfig: async () => {
        throw new Error('No OIDC config for this organization');
      },
      createManager: () => fakeManager(null),
      origin: 'http://x',
    });

    await sut.start();

    expect(sut.state.status).toBe('error');
    expect(sut.state.error).toBe('Sign-in settings could not be loaded: No OIDC config for this organization');
  });

  it('passes the return path to the provider redirect', async () => {
    const manager = fakeManager(null);
    let settings: UserManagerSettings | undefined;
    const sut = new AuthSession({
      loadConfig: async () => config,
      createManager: (value) => {
        settings = value;

        return manager;
      },
      origin: 'http://x',
    });

    await sut.signIn('/audit-log');

    expect(settings?.authority).toBe('http://127.0.0.1:3001');
    expect(manager.signinRedirect).toHaveBeenCalledWith({ state: { returnTo: '/audit-log' } });
  });
});
