import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { setUnauthenticatedHandler } from './api/client';
import { useSessionStore } from './stores/session';
import ConsoleLayout from './layouts/ConsoleLayout.vue';
import { holds, type PermissionNeed } from './nav';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** A permission from me.permissions the user must hold (any one of a list); otherwise the 403 page. */
    permission?: PermissionNeed;
    /** i18n key of the page title (browser tab, breadcrumb). */
    title?: string;
  }
}

const COMPILE = 'catalog.compile';
const catalogRoutes: RouteRecordRaw[] = [
  {
    path: 'catalog/search',
    name: 'catalog-search',
    component: () => import('./views/catalog/CatalogSearchView.vue'),
    meta: { permission: 'catalog.read', title: 'catalog.nav.search' },
  },
  {
    path: 'catalog/mine',
    name: 'catalog-mine',
    component: () => import('./views/catalog/MyCatalogView.vue'),
    meta: { permission: [COMPILE, 'catalog.dept_review'], title: 'catalog.nav.mine' },
  },
  {
    path: 'catalog/entries/new',
    name: 'catalog-new',
    component: () => import('./views/catalog/EntryEditView.vue'),
    meta: { permission: COMPILE, title: 'catalog.edit.createTitle' },
  },
  {
    path: 'catalog/versions/:versionId/edit',
    name: 'catalog-edit',
    component: () => import('./views/catalog/EntryEditView.vue'),
    meta: { permission: COMPILE, title: 'catalog.edit.editTitle' },
  },
  {
    path: 'catalog/entries/:id',
    name: 'catalog-entry',
    component: () => import('./views/catalog/EntryDetailView.vue'),
    meta: { permission: 'catalog.read', title: 'catalog.nav.entry' },
  },
  {
    path: 'catalog/review',
    name: 'catalog-review',
    component: () => import('./views/catalog/ReviewQueueView.vue'),
    meta: { permission: ['catalog.dept_review', 'catalog.platform_review'], title: 'catalog.nav.review' },
  },
  {
    path: 'catalog/objections/:id',
    name: 'catalog-objection',
    component: () => import('./views/catalog/ObjectionsView.vue'),
    meta: { permission: 'catalog.read', title: 'catalog.nav.objections' },
  },
  {
    path: 'catalog/objections',
    name: 'catalog-objections',
    component: () => import('./views/catalog/ObjectionsView.vue'),
    meta: { permission: 'catalog.read', title: 'catalog.nav.objections' },
  },
  {
    path: 'catalog/demands',
    name: 'catalog-demands',
    component: () => import('./views/catalog/DemandsView.vue'),
    meta: { permission: 'catalog.read', title: 'catalog.nav.demands' },
  },
  {
    path: 'catalog/classes',
    name: 'catalog-classes',
    component: () => import('./views/catalog/ClassesView.vue'),
    meta: { permission: 'catalog.classify', title: 'catalog.nav.classes' },
  },
];

const SHARING = 'sharing.read';
const sharingRoutes: RouteRecordRaw[] = [
  {
    path: 'sharing/requests',
    name: 'sharing-requests',
    component: () => import('./views/sharing/RequestsView.vue'),
    meta: { permission: SHARING, title: 'sharing.nav.requests' },
  },
  {
    path: 'sharing/requests/:id',
    name: 'sharing-request',
    component: () => import('./views/sharing/RequestDetailView.vue'),
    meta: { permission: SHARING, title: 'sharing.nav.request' },
  },
  {
    path: 'sharing/grants',
    name: 'sharing-grants',
    component: () => import('./views/sharing/GrantsView.vue'),
    meta: { permission: SHARING, title: 'sharing.nav.grants' },
  },
  {
    path: 'sharing/grants/:id',
    name: 'sharing-grant',
    component: () => import('./views/sharing/GrantDetailView.vue'),
    meta: { permission: SHARING, title: 'sharing.nav.grant' },
  },
];

const exchangeRoutes: RouteRecordRaw[] = [
  {
    path: 'exchange/libraries',
    name: 'exchange-libraries',
    component: () => import('./views/exchange/LibrariesView.vue'),
    meta: { permission: 'catalog.read', title: 'exchange.nav.libraries' },
  },
  {
    path: 'exchange/sources',
    name: 'exchange-sources',
    component: () => import('./views/exchange/SourcesView.vue'),
    meta: { permission: 'exchange.read', title: 'exchange.nav.sources' },
  },
];

const routes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: '/',
    component: ConsoleLayout,
    children: [
      { path: '', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: 'nav.home' } },
      ...catalogRoutes,
      ...sharingRoutes,
      ...exchangeRoutes,
      {
        path: 'org/regions',
        name: 'regions',
        component: () => import('./views/org/RegionsView.vue'),
        meta: { permission: 'org.read', title: 'nav.regions' },
      },
      {
        path: 'org/departments',
        name: 'departments',
        component: () => import('./views/org/DepartmentsView.vue'),
        meta: { permission: 'org.read', title: 'nav.departments' },
      },
      {
        path: 'org/users',
        name: 'users',
        component: () => import('./views/org/UsersView.vue'),
        meta: { permission: 'user.read', title: 'nav.users' },
      },
      {
        path: 'org/specialists',
        name: 'specialists',
        component: () => import('./views/org/SpecialistsView.vue'),
        meta: { permission: 'specialist.read', title: 'nav.specialists' },
      },
      {
        path: 'audit',
        name: 'audit',
        component: () => import('./views/audit/AuditLogView.vue'),
        meta: { permission: 'audit.read', title: 'nav.audit' },
      },
      {
        path: 'settings/security',
        name: 'security',
        component: () => import('./views/SecuritySettingsView.vue'),
        meta: { permission: 'audit.settings', title: 'nav.security' },
      },
      {
        path: 'calendar',
        name: 'calendar',
        component: () => import('./views/CalendarView.vue'),
        meta: { permission: 'calendar.read', title: 'nav.calendar' },
      },
      { path: 'inbox', name: 'inbox', component: () => import('./views/InboxView.vue'), meta: { title: 'nav.inbox' } },
      {
        path: 'password',
        name: 'password',
        component: () => import('./views/PasswordView.vue'),
        meta: { title: 'nav.password' },
      },
      {
        path: '403',
        name: 'forbidden',
        component: () => import('./views/ForbiddenView.vue'),
        meta: { title: 'forbidden.title' },
      },
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('./views/NotFoundView.vue'),
        meta: { title: 'notFound.title' },
      },
    ],
  },
];

export const router = createRouter({ history: createWebHistory('/'), routes });

router.beforeEach(async (to) => {
  const session = useSessionStore();
  if (!session.loaded) {
    try {
      await session.load();
    } catch {
      session.clear();
    }
  }
  if (to.meta.public) return to.name === 'login' && session.loggedIn ? { name: 'home' } : true;
  if (!session.loggedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (!holds(session.can, to.meta.permission)) return { name: 'forbidden' };
  return true;
});

setUnauthenticatedHandler(() => {
  const session = useSessionStore();
  session.clear();
  const current = router.currentRoute.value;
  if (current.name !== 'login')
    void router.push({ name: 'login', query: current.fullPath === '/' ? {} : { redirect: current.fullPath } });
});
