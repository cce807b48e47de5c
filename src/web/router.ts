import { createRouter, createWebHistory, type RouteLocationNormalized, type RouteRecordRaw } from 'vue-router';
import { setUnauthenticatedHandler } from './api/client';
import { useSessionStore } from './stores/session';
import PortalLayout from './layouts/PortalLayout.vue';
import { holds, type PermissionNeed } from './nav';
import { CONSOLE } from '../shared/console';

declare module 'vue-router' {
  interface RouteMeta {
    /** Reachable without a session. */
    public?: boolean;
    /** Part of the department console (set on its layout, so every page under /console has it): staff only. */
    console?: boolean;
    /** A page of the public open-data portal (set on its layout): its own header and site name. */
    portal?: boolean;
    /** A permission from me.permissions the user must hold (any one of a list); otherwise the 403 page. */
    permission?: PermissionNeed;
    /** i18n key of the page title (browser tab, breadcrumb). */
    title?: string;
    /** The audit log page as a department reads it: the events about its data and its use. */
    department?: boolean;
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
    path: 'catalog/synonyms',
    name: 'catalog-synonyms',
    component: () => import('./views/catalog/SynonymsView.vue'),
    meta: { permission: 'catalog.classify', title: 'catalog.nav.synonyms' },
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
  {
    path: 'gateway/services',
    name: 'gateway-services',
    component: () => import('./views/gateway/ServicesView.vue'),
    meta: { permission: 'exchange.data.read', title: 'gateway.nav.services' },
  },
  {
    path: 'gateway/systems',
    name: 'gateway-systems',
    component: () => import('./views/gateway/SystemsView.vue'),
    meta: { permission: 'gateway.system.manage', title: 'gateway.nav.systems' },
  },
];

const openRoutes: RouteRecordRaw[] = [
  {
    path: 'open/datasets',
    name: 'open-datasets',
    component: () => import('./views/open/OpenDatasetsView.vue'),
    meta: { permission: 'open.read', title: 'open.nav.datasets' },
  },
  {
    path: 'open/datasets/:entryId',
    name: 'open-dataset',
    component: () => import('./views/open/OpenDatasetView.vue'),
    meta: { permission: 'open.read', title: 'open.nav.dataset' },
  },
  {
    path: 'open/requests',
    name: 'open-requests',
    component: () => import('./views/open/OpenRequestsView.vue'),
    meta: { permission: 'open.feedback.answer', title: 'feedback.console.requests' },
  },
  {
    path: 'open/requests/:id',
    name: 'open-request',
    component: () => import('./views/open/OpenRequestsView.vue'),
    meta: { permission: 'open.feedback.answer', title: 'feedback.console.requests' },
  },
  {
    path: 'open/applications',
    name: 'open-applications',
    component: () => import('./views/open/OpenApplicationsView.vue'),
    meta: { permission: 'open.application.read', title: 'applications.console.title' },
  },
  {
    path: 'open/applications/:id',
    name: 'open-application',
    component: () => import('./views/open/OpenApplicationsView.vue'),
    meta: { permission: 'open.application.read', title: 'applications.console.title' },
  },
  {
    path: 'open/feedback',
    name: 'open-feedback',
    component: () => import('./views/open/OpenFeedbackView.vue'),
    meta: { permission: 'open.feedback.answer', title: 'feedback.console.feedback' },
  },
];

/** A public user's centre (用户中心): needs a session; ME_PAGES (views/portal/me/pages.ts) is its menu. */
const meRoutes: RouteRecordRaw[] = [
  {
    path: 'profile',
    name: 'portal-me-profile',
    component: () => import('./views/portal/me/ProfileView.vue'),
    meta: { title: 'account.nav.profile' },
  },
  {
    path: 'security',
    name: 'portal-me-security',
    component: () => import('./views/portal/me/SecurityView.vue'),
    meta: { title: 'account.nav.security' },
  },
  {
    path: 'favourites',
    name: 'portal-me-favourites',
    component: () => import('./views/portal/me/FavouritesView.vue'),
    meta: { title: 'account.nav.favourites' },
  },
  {
    path: 'downloads',
    name: 'portal-me-downloads',
    component: () => import('./views/portal/me/DownloadsView.vue'),
    meta: { title: 'account.nav.downloads' },
  },
  {
    path: 'applications',
    name: 'portal-me-applications',
    component: () => import('./views/portal/me/ApplicationsView.vue'),
    meta: { title: 'applications.me.title' },
  },
  {
    path: 'requests',
    name: 'portal-me-requests',
    component: () => import('./views/portal/me/RequestsView.vue'),
    meta: { title: 'feedback.me.title' },
  },
  {
    path: 'keys',
    name: 'portal-me-keys',
    component: () => import('./views/portal/me/KeysView.vue'),
    meta: { title: 'openapi.nav.keys' },
  },
];

/** The open-data portal, for anyone: `/datasets/:prefix/:seq` is also served pre-rendered by the server (portal-pages.ts). */
const portalRoutes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'portal-home',
    component: () => import('./views/portal/PortalHomeView.vue'),
    meta: { title: 'portal.title' },
  },
  {
    path: 'datasets',
    name: 'portal-search',
    component: () => import('./views/portal/PortalSearchView.vue'),
    meta: { title: 'portal.nav.datasets' },
  },
  {
    path: 'datasets/:prefix/:seq',
    name: 'portal-dataset',
    component: () => import('./views/portal/PortalDatasetView.vue'),
    meta: { title: 'portal.dataset.title' },
  },
  {
    path: 'requests',
    name: 'portal-requests',
    component: () => import('./views/portal/PortalRequestsView.vue'),
    meta: { title: 'feedback.nav.requests' },
  },
  {
    path: 'departments/:id',
    name: 'portal-department',
    component: () => import('./views/portal/PortalDepartmentView.vue'),
    meta: { title: 'portal.department.title' },
  },
  {
    path: 'account/login',
    name: 'portal-login',
    component: () => import('./views/portal/account/PortalLoginView.vue'),
    meta: { title: 'account.login.title' },
  },
  {
    path: 'account/register',
    name: 'portal-register',
    component: () => import('./views/portal/account/RegisterView.vue'),
    meta: { title: 'account.register.title' },
  },
  {
    path: 'account/reset',
    name: 'portal-reset',
    component: () => import('./views/portal/account/ResetPasswordView.vue'),
    meta: { title: 'account.reset.title' },
  },
  {
    path: 'me',
    name: 'portal-me',
    component: () => import('./views/portal/me/MeLayout.vue'),
    redirect: { name: 'portal-me-profile' },
    meta: { public: false, permission: 'open.account', title: 'account.title' },
    children: meRoutes,
  },
  {
    path: ':pathMatch(.*)*',
    name: 'portal-not-found',
    component: () => import('./views/NotFoundView.vue'),
    meta: { title: 'notFound.title' },
  },
];

/** The console's old top-level sections (before it moved under /console), kept for bookmarks and stored links. */
const OLD_CONSOLE_PATHS =
  '/:section(catalog|sharing|exchange|org|audit|settings|calendar|inbox|password|403)/:rest(.*)*';

const CONSOLE_PENDING = 'console-pending';

/**
 * The console's home is there from the start: `/console` itself must not fall to the placeholder below
 * (a reload of the home page showed an empty frame).
 */
const consoleHome: RouteRecordRaw = {
  path: '',
  name: 'home',
  component: () => import('./views/HomeView.vue'),
  meta: { title: 'nav.home' },
};

/** The console's other pages: added to the router when first needed (see addConsoleRoutes). */
const consoleRoutes: RouteRecordRaw[] = [
  ...catalogRoutes,
  ...sharingRoutes,
  ...exchangeRoutes,
  ...openRoutes,
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
    path: 'audit/department',
    name: 'audit-department',
    component: () => import('./views/audit/AuditLogView.vue'),
    meta: { permission: 'audit.department.read', title: 'nav.auditDepartment', department: true },
  },
  {
    path: 'settings/security',
    name: 'security',
    component: () => import('./views/SecuritySettingsView.vue'),
    meta: { permission: 'audit.settings', title: 'nav.security' },
  },
  {
    path: 'security/register',
    name: 'security-register',
    component: () => import('./views/security/SecurityRegisterView.vue'),
    meta: { permission: 'security.register.read', title: 'security.register.nav' },
  },
  {
    path: 'security/trace',
    name: 'security-trace',
    component: () => import('./views/security/DownloadTraceView.vue'),
    meta: { permission: 'security.trace', title: 'trace.nav' },
  },
  {
    path: 'supervision/compliance',
    name: 'supervision-compliance',
    component: () => import('./views/supervision/ComplianceView.vue'),
    meta: { permission: 'compliance.read', title: 'compliance.nav' },
  },
  {
    path: 'supervision/indicators',
    name: 'supervision-indicators',
    component: () => import('./views/supervision/IndicatorsView.vue'),
    meta: { permission: 'supervision.read', title: 'supervision.nav.indicators' },
  },
  {
    path: 'supervision/assessment',
    name: 'supervision-assessment',
    component: () => import('./views/supervision/AssessmentView.vue'),
    meta: { permission: 'supervision.read', title: 'supervision.nav.assessment' },
  },
  {
    path: 'supervision/assessment/:period/departments/:departmentId',
    name: 'supervision-card',
    component: () => import('./views/supervision/DepartmentCardView.vue'),
    meta: { permission: 'supervision.read', title: 'supervision.nav.card' },
  },
  {
    path: 'supervision/violations/:id?',
    name: 'supervision-violations',
    component: () => import('./views/supervision/ViolationsView.vue'),
    meta: { permission: 'supervision.read', title: 'supervision.nav.violations' },
  },
  {
    path: 'supervision/rectifications',
    name: 'supervision-rectifications',
    component: () => import('./views/supervision/RectificationsView.vue'),
    meta: { permission: 'supervision.read', title: 'rectification.nav.notices' },
  },
  {
    path: 'supervision/rectifications/:id',
    name: 'supervision-rectification',
    component: () => import('./views/supervision/RectificationDetailView.vue'),
    meta: { permission: 'supervision.read', title: 'rectification.nav.notices' },
  },
  {
    path: 'supervision/circulars',
    name: 'supervision-circulars',
    component: () => import('./views/supervision/CircularsView.vue'),
    meta: { permission: 'supervision.circular.read', title: 'rectification.nav.circulars' },
  },
  {
    path: 'supervision/circulars/:id',
    name: 'supervision-circular',
    component: () => import('./views/supervision/CircularDetailView.vue'),
    meta: { permission: 'supervision.circular.read', title: 'rectification.nav.circulars' },
  },
  {
    path: 'org/training',
    name: 'training',
    component: () => import('./views/org/TrainingView.vue'),
    meta: { permission: 'training.read', title: 'training.nav' },
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
];

const routes: RouteRecordRaw[] = [
  { path: '/', component: PortalLayout, meta: { public: true, portal: true }, children: portalRoutes },
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { public: true, title: 'login.title' },
  },
  {
    path: CONSOLE,
    name: 'console',
    // Loaded on first use: the public portal's visitors do not download the console's frame.
    component: () => import('./layouts/ConsoleLayout.vue'),
    meta: { console: true },
    // Until the console's pages are added, any console address lands here and is resolved again.
    children: [
      consoleHome,
      { path: ':pathMatch(.*)*', name: CONSOLE_PENDING, component: () => import('./views/NotFoundView.vue') },
    ],
  },
  { path: OLD_CONSOLE_PATHS, redirect: (to) => ({ path: CONSOLE + to.path, query: to.query, hash: to.hash }) },
];

/**
 * The login page, coming back to `to` afterwards (the console's home is where a login lands anyway);
 * a portal page asks on the portal's own sign-in page.
 */
const loginFor = (to: RouteLocationNormalized) => ({
  name: to.meta.portal ? 'portal-login' : 'login',
  query: to.fullPath === CONSOLE ? {} : { redirect: to.fullPath },
});

/** Where a signed-in user asking for a sign-in page goes instead. */
const SIGN_IN_PAGES = new Set(['login', 'portal-login', 'portal-register']);

export const router = createRouter({ history: createWebHistory('/'), routes });

let consoleAdded = false;
/**
 * Adds the console's pages to the router. The router parses each route's path into a regular
 * expression when it is added, and resolving every link walks them all: with the console's forty-odd
 * pages that was a fifth of a portal page's start on a phone, for pages a visitor never opens. They
 * are added before the first page outside the portal opens, and otherwise once the portal page is idle.
 */
function addConsoleRoutes(): void {
  if (consoleAdded) return;
  consoleAdded = true;
  router.removeRoute(CONSOLE_PENDING);
  for (const r of consoleRoutes) router.addRoute('console', r);
}
void router
  .isReady()
  .catch(() => undefined)
  .then(() =>
    'requestIdleCallback' in window ? requestIdleCallback(addConsoleRoutes) : setTimeout(addConsoleRoutes, 500),
  );

router.beforeEach(async (to) => {
  if (!to.meta.portal && !consoleAdded) {
    addConsoleRoutes();
    // A console address matched the placeholder: resolved again, now among the console's pages.
    if (to.name === CONSOLE_PENDING) return to.fullPath;
  }
  const session = useSessionStore();
  if (!session.loaded) {
    try {
      await session.load();
    } catch {
      session.clear();
    }
  }
  if (to.meta.public) {
    if (!session.loggedIn || !SIGN_IN_PAGES.has(String(to.name))) return true;
    // The console by its path: from a portal page its named routes may not be added yet.
    return session.publicOnly ? { name: 'portal-me' } : CONSOLE;
  }
  if (!session.loggedIn) return loginFor(to);
  // A member of the public has no console: the portal is theirs.
  if (to.meta.console && session.publicOnly) return { name: 'portal-home' };
  if (!holds(session.can, to.meta.permission)) return { name: 'forbidden' };
  return true;
});

setUnauthenticatedHandler(() => {
  const session = useSessionStore();
  session.clear();
  const current = router.currentRoute.value;
  // The portal is browsed without a session; only a page that needs one sends to the login.
  if (!current.meta.public) void router.push(loginFor(current));
});
