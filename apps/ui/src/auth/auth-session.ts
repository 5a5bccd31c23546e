import { type AuthConfigResponse, getAuthConfig } from '@pigeon/client';
import { type User, UserManager, type UserManagerSettings, WebStorageStateStore } from 'oidc-client-ts';
import { reactive, readonly } from 'vue';

import { apiClient, describe, setAccessTokenSource, unwrap } from '../api/api-client';

/** Path the provider redirects back to, for sign-in and for silent renewal alike. */
export const CALLBACK_PATH = '/auth/callback';
export const OIDC_SCOPE = 'openid profile email';

export type AuthStatus = 'starting' | 'signed-out' | 'signed-in' | 'error';

/** Signed-in user as the console shows it. */
export interface SessionUser {
  /** Display name: the `name`, `preferred_username` or `email` claim, else the subject. */
  name: string;
  subject: string;
  /** Expiry of the access token in seconds since the epoch, when the provider states it. */
  expiresAt: number | null;
}

export interface AuthState {
  status: AuthStatus;
  user: SessionUser | null;
  /** The OIDC issuer from `/api/v1/auth/config`, once loaded. */
  issuerUrl: string | null;
  /** Reason the settings could not be loaded or the last renewal failed. */
  error: string | null;
}

/** Settings loader and OIDC client factory, which tests replace. */
export interface AuthSessionDependencies {
  loadConfig: () => Promise<AuthConfigResponse>;
  createManager: (settings: UserManagerSettings) => UserManager;
  origin: string;
}

/** Builds the oidc-client-ts settings for the organization's provider, as the original console did. */
export function buildUserManagerSettings(config: AuthConfigResponse, origin: string): UserManagerSettings {
  const redirectUri = `${origin}${CALLBACK_PATH}`;

  return {
    authority: config.issuer_url,
    client_id: config.audience,
    redirect_uri: redirectUri,
    // The silent renewal iframe comes back to the same callback page, which
    // providers accept because it is a registered redirect URI already.
    silent_redirect_uri: redirectUri,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: OIDC_SCOPE,
    automaticSilentRenew: true,
    // Session storage keeps the token out of other tabs and ends with the tab.
    userStore: new WebStorageStateStore({ store: window.sessionStorage }),
  };
}

function toSessionUser(user: User): SessionUser {
  const profile = user.profile;
  const name = [profile.name, profile.preferred_username, profile.email].find((value) => typeof value === 'string' && value !== '');

  return { name: name ?? profile.sub, subject: profile.sub, expiresAt: user.expires_at ?? null };
}

/**
 * The console's sign-in state: loads the OIDC settings from the API, signs in
 * with the authorization code flow and PKCE, renews the token silently before
 * it expires and supplies it to every API call.
 */
export class AuthSession {
  private readonly mutableState = reactive<AuthState>({ status: 'starting', user: null, issuerUrl: null, error: null });
  readonly state = readonly(this.mutableState);
  private manager: UserManager | null = null;
  private starting: Promise<void> | null = null;

  constructor(private readonly dependencies: AuthSessionDependencies) {}

  /** Loads the settings and any stored user once; later calls wait for the first. */
  start(): Promise<void> {
    this.starting ??= this.load();

    return this.starting;
  }

  /** Loads the settings again after a failure, such as the server not running yet. */
  retry(): Promise<void> {
    this.starting = null;
    this.mutableState.status = 'starting';
    this.mutableState.error = null;

    return this.start();
  }

  /** Returns the current access token, or undefined when no user is signed in. */
  async accessToken(): Promise<string | undefined> {
    const user = await this.manager?.getUser();

    return user !== null && user !== undefined && !user.expired ? user.access_token : undefined;
  }

  /** Sends the browser to the provider's sign-in page; `returnTo` is the console path to open afterwards. */
  async signIn(returnTo: string): Promise<void> {
    const manager = await this.requireManager();
    await manager.signinRedirect({ state: { returnTo } });
  }

  /**
   * Completes a sign-in or a silent renewal on the callback page and returns
   * the path to open next. Inside the renewal iframe it only notifies the
   * parent window.
   */
  async completeSignIn(url: string): Promise<string> {
    const manager = await this.requireManager();
    const user = await manager.signinCallback(url);
    if (user === undefined) {
      return '/';
    }
    this.setUser(user);
    const state = user.state as { returnTo?: unknown } | undefined;

    return typeof state?.returnTo === 'string' && state.returnTo.startsWith('/') ? state.returnTo : '/';
  }

  /** Signs out at the provider when it supports it, otherwise in this tab only. */
  async signOut(): Promise<void> {
    const manager = await this.requireManager();
    const endSession = await manager.metadataService.getEndSessionEndpoint().catch(() => undefined);
    if (endSession === undefined) {
      await manager.removeUser();
      this.clearUser();

      return;
    }
    await manager.signoutRedirect();
  }

  private async load(): Promise<void> {
    let config: AuthConfigResponse;
    try {
      config = await this.dependencies.loadConfig();
    } catch (error) {
      this.mutableState.status = 'error';
      this.mutableState.error = `Sign-in settings could not be loaded: ${describe(error)}`;

      return;
    }

    this.mutableState.issuerUrl = config.issuer_url;
    const manager = this.dependencies.createManager(buildUserManagerSettings(config, this.dependencies.origin));
    this.manager = manager;
    manager.events.addUserLoaded((user) => this.setUser(user));
    manager.events.addUserUnloaded(() => this.clearUser());
    manager.events.addAccessTokenExpired(() => this.clearUser());
    manager.events.addSilentRenewError((error) => {
      this.mutableState.error = `The session could not be renewed: ${describe(error)}`;
    });

    const user = await manager.getUser();
    if (user !== null && !user.expired) {
      this.setUser(user);
    } else {
      this.clearUser();
    }
  }

  private async requireManager(): Promise<UserManager> {
    await this.start();
    if (this.manager === null) {
      throw new Error(this.mutableState.error ?? 'Sign-in settings are not loaded.');
    }

    return this.manager;
  }

  private setUser(user: User): void {
    this.mutableState.user = toSessionUser(user);
    this.mutableState.status = 'signed-in';
    this.mutableState.error = null;
  }

  private clearUser(): void {
    this.mutableState.user = null;
    this.mutableState.status = 'signed-out';
  }
}

/** The console's one auth session, which also supplies the token to the API client. */
export const authSession = new AuthSession({
  loadConfig: () => unwrap(getAuthConfig({ client: apiClient })),
  createManager: (settings) => new UserManager(settings),
  origin: window.location.origin,
});
setAccessTokenSource(() => authSession.accessToken());

/** Returns the console's auth session. */
export function useAuth(): AuthSession {
  return authSession;
}
