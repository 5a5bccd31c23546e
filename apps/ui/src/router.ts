import { createRouter, createWebHistory, type RouteRecordRaw, type Router, type RouterHistory } from 'vue-router';

import { type AuthSession, CALLBACK_PATH } from './auth/auth-session';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without signing in. */
    public?: boolean;
    /** Page title suffix. */
    title?: string;
  }
}

/** The console's routes; pages load on first use, so the sign-in page stays small. */
export const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/applications' },
  { path: '/sign-in', name: 'sign-in', component: () => import('./auth/SignInPage.vue'), meta: { public: true, title: 'Sign in' } },
  { path: CALLBACK_PATH, name: 'auth-callback', component: () => import('./auth/AuthCallbackPage.vue'), meta: { public: true } },
  {
    path: '/applications',
    name: 'applications',
    component: () => import('./features/applications/ApplicationsPage.vue'),
    meta: { title: 'Applications' },
  },
  {
    path: '/applications/:appId',
    component: () => import('./features/applications/ApplicationPage.vue'),
    props: true,
    children: [
      { path: '', name: 'app-dashboard', component: () => import('./features/dashboard/ApplicationDashboard.vue'), props: true },
      { path: 'event-types', name: 'app-event-types', component: () => import('./features/event-types/EventTypesTab.vue'), props: true },
      {
        path: 'event-types/:eventTypeId',
        name: 'app-event-type',
        component: () => import('./features/event-types/EventTypeDetail.vue'),
        props: true,
      },
      { path: 'endpoints', name: 'app-endpoints', component: () => import('./features/endpoints/EndpointsTab.vue'), props: true },
      { path: 'endpoints/:endpointId', name: 'app-endpoint', component: () => import('./features/endpoints/EndpointDetail.vue'), props: true },
      { path: 'messages', name: 'app-messages', component: () => import('./features/messages/MessagesTab.vue'), props: true },
      { path: 'dead-letters', name: 'app-dead-letters', component: () => import('./features/dead-letters/DeadLettersTab.vue'), props: true },
      { path: 'send', name: 'app-send', component: () => import('./features/messages/SendMessageTab.vue'), props: true },
    ],
  },
  { path: '/audit-log', name: 'audit-log', component: () => import('./features/audit-log/AuditLogPage.vue'), meta: { title: 'Audit log' } },
  {
    path: '/settings/oidc',
    name: 'oidc-settings',
    component: () => import('./features/oidc-settings/OidcSettingsPage.vue'),
    meta: { title: 'OIDC settings' },
  },
  {
    // Not under /admin, which the server keeps for its admin API.
    path: '/organizations',
    name: 'organizations',
    component: () => import('./features/organizations/OrganizationsPage.vue'),
    meta: { title: 'Organizations' },
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./layout/NotFoundPage.vue'), meta: { title: 'Not found' } },
];

/**
 * Creates the router with a guard that sends signed-out users to the sign-in
 * page and brings them back to the page they asked for afterwards.
 */
export function createConsoleRouter(auth: AuthSession, history: RouterHistory = createWebHistory()): Router {
  const router = createRouter({ history, routes });

  router.beforeEach(async (to) => {
    await auth.start();
    if (to.meta.public === true) {
      return to.name === 'sign-in' && auth.state.status === 'signed-in' ? '/' : true;
    }
    if (auth.state.status !== 'signed-in') {
      return { name: 'sign-in', query: { returnTo: to.fullPath } };
    }

    return true;
  });
  router.afterEach((to) => {
    document.title = to.meta.title === undefined ? 'Pigeon' : `${to.meta.title} · Pigeon`;
  });

  return router;
}
