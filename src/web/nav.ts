import type { Component } from 'vue';
import {
  Aim,
  Bell,
  Calendar,
  Coin,
  ChatLineSquare,
  Checked,
  Collection,
  DataAnalysis,
  Document,
  DocumentChecked,
  Histogram,
  WarningFilled,
  Files,
  House,
  Key,
  Lock,
  Memo,
  OfficeBuilding,
  Promotion,
  Stamp,
  Reading,
  Location,
  Search,
  Share,
  Tickets,
  User,
  UserFilled,
} from '@element-plus/icons-vue';
import { CONSOLE, consoleLink } from '../shared/console';

/** A permission, or a list of which the user must hold at least one. */
export type PermissionNeed = string | readonly string[];

/** True when `need` is absent or the user holds it (any one of a list). */
export function holds(can: (permission: string) => boolean, need: PermissionNeed | undefined): boolean {
  if (need === undefined) return true;
  return typeof need === 'string' ? can(need) : need.some(can);
}

/** One left-menu entry; `permission` hides it (and guards its route) unless the user holds it. */
export interface NavItem {
  path: string;
  /** i18n key of the label. */
  label: string;
  icon: Component;
  permission?: PermissionNeed;
  /** data-testid suffix: menu-<id>. */
  id: string;
}

export interface NavGroup {
  /** i18n key; ungrouped entries have none. */
  title?: string;
  items: NavItem[];
}

export const NAV: NavGroup[] = [
  { items: [{ path: CONSOLE, label: 'nav.home', icon: House, id: 'home' }] },
  {
    title: 'catalog.nav.group',
    items: [
      {
        path: consoleLink('/catalog/search'),
        label: 'catalog.nav.search',
        icon: Search,
        permission: 'catalog.read',
        id: 'catalog-search',
      },
      {
        path: consoleLink('/catalog/mine'),
        label: 'catalog.nav.mine',
        icon: Files,
        permission: ['catalog.compile', 'catalog.dept_review'],
        id: 'catalog-mine',
      },
      {
        path: consoleLink('/catalog/review'),
        label: 'catalog.nav.review',
        icon: Checked,
        permission: ['catalog.dept_review', 'catalog.platform_review'],
        id: 'catalog-review',
      },
      {
        path: consoleLink('/catalog/objections'),
        label: 'catalog.nav.objections',
        icon: ChatLineSquare,
        permission: 'catalog.read',
        id: 'catalog-objections',
      },
      {
        path: consoleLink('/catalog/demands'),
        label: 'catalog.nav.demands',
        icon: Share,
        permission: 'catalog.read',
        id: 'catalog-demands',
      },
      {
        path: consoleLink('/catalog/classes'),
        label: 'catalog.nav.classes',
        icon: Collection,
        permission: 'catalog.classify',
        id: 'catalog-classes',
      },
      {
        path: consoleLink('/catalog/synonyms'),
        label: 'catalog.nav.synonyms',
        icon: Reading,
        permission: 'catalog.classify',
        id: 'catalog-synonyms',
      },
    ],
  },
  {
    title: 'sharing.nav.group',
    items: [
      {
        path: consoleLink('/sharing/requests'),
        label: 'sharing.nav.requests',
        icon: Tickets,
        permission: 'sharing.read',
        id: 'sharing-requests',
      },
      {
        path: consoleLink('/sharing/grants'),
        label: 'sharing.nav.grants',
        icon: DocumentChecked,
        permission: 'sharing.read',
        id: 'sharing-grants',
      },
    ],
  },
  {
    title: 'exchange.nav.group',
    items: [
      {
        path: consoleLink('/exchange/libraries'),
        label: 'exchange.nav.libraries',
        icon: Collection,
        permission: 'catalog.read',
        id: 'exchange-libraries',
      },
      {
        path: consoleLink('/exchange/sources'),
        label: 'exchange.nav.sources',
        icon: Coin,
        permission: 'exchange.read',
        id: 'exchange-sources',
      },
      {
        path: consoleLink('/gateway/services'),
        label: 'gateway.nav.services',
        icon: Promotion,
        permission: 'exchange.data.read',
        id: 'gateway-services',
      },
      {
        path: consoleLink('/gateway/systems'),
        label: 'gateway.nav.systems',
        icon: Key,
        permission: 'gateway.system.manage',
        id: 'gateway-systems',
      },
    ],
  },
  {
    title: 'open.nav.group',
    items: [
      {
        path: consoleLink('/open/datasets'),
        label: 'open.nav.datasets',
        icon: Promotion,
        permission: 'open.read',
        id: 'open-datasets',
      },
      {
        path: consoleLink('/open/applications'),
        label: 'applications.console.title',
        icon: DocumentChecked,
        permission: 'open.application.read',
        id: 'open-applications',
      },
      {
        path: consoleLink('/open/requests'),
        label: 'feedback.console.requests',
        icon: Tickets,
        permission: 'open.feedback.answer',
        id: 'open-requests',
      },
      {
        path: consoleLink('/open/feedback'),
        label: 'feedback.console.feedback',
        icon: ChatLineSquare,
        permission: 'open.feedback.answer',
        id: 'open-feedback',
      },
    ],
  },
  {
    title: 'supervision.nav.group',
    items: [
      {
        path: consoleLink('/supervision/assessment'),
        label: 'supervision.nav.assessment',
        icon: Histogram,
        permission: 'supervision.read',
        id: 'supervision-assessment',
      },
      {
        path: consoleLink('/supervision/indicators'),
        label: 'supervision.nav.indicators',
        icon: DataAnalysis,
        permission: 'supervision.read',
        id: 'supervision-indicators',
      },
      {
        path: consoleLink('/supervision/violations'),
        label: 'supervision.nav.violations',
        icon: WarningFilled,
        permission: 'supervision.read',
        id: 'supervision-violations',
      },
      {
        path: consoleLink('/supervision/rectifications'),
        label: 'rectification.nav.notices',
        icon: Tickets,
        permission: 'supervision.read',
        id: 'supervision-rectifications',
      },
      {
        path: consoleLink('/supervision/circulars'),
        label: 'rectification.nav.circulars',
        icon: Promotion,
        permission: 'supervision.circular.read',
        id: 'supervision-circulars',
      },
      {
        path: consoleLink('/supervision/compliance'),
        label: 'compliance.nav',
        icon: Stamp,
        permission: 'compliance.read',
        id: 'supervision-compliance',
      },
    ],
  },
  {
    title: 'nav.org',
    items: [
      // Every role reads regions, departments and the calendar through the API (selects, deadlines);
      // the pages are for those who keep them.
      {
        path: consoleLink('/org/regions'),
        label: 'nav.regions',
        icon: Location,
        permission: 'org.manage',
        id: 'regions',
      },
      {
        path: consoleLink('/org/departments'),
        label: 'nav.departments',
        icon: OfficeBuilding,
        permission: 'org.manage',
        id: 'departments',
      },
      { path: consoleLink('/org/users'), label: 'nav.users', icon: User, permission: 'user.read', id: 'users' },
      {
        path: consoleLink('/org/specialists'),
        label: 'nav.specialists',
        icon: UserFilled,
        permission: 'specialist.read',
        id: 'specialists',
      },
      {
        path: consoleLink('/org/training'),
        label: 'training.nav',
        icon: Reading,
        permission: 'training.read',
        id: 'training',
      },
    ],
  },
  {
    title: 'nav.system',
    items: [
      { path: consoleLink('/audit'), label: 'nav.audit', icon: Document, permission: 'audit.read', id: 'audit' },
      {
        path: consoleLink('/audit/department'),
        label: 'nav.auditDepartment',
        icon: Document,
        permission: 'audit.department.read',
        id: 'audit-department',
      },
      {
        path: consoleLink('/settings/security'),
        label: 'nav.security',
        icon: Lock,
        permission: 'audit.settings',
        id: 'security',
      },
      {
        path: consoleLink('/security/register'),
        label: 'security.register.nav',
        icon: Memo,
        permission: 'security.register.read',
        id: 'security-register',
      },
      {
        path: consoleLink('/security/trace'),
        label: 'trace.nav',
        icon: Aim,
        permission: 'security.trace',
        id: 'security-trace',
      },
      {
        path: consoleLink('/calendar'),
        label: 'nav.calendar',
        icon: Calendar,
        permission: 'calendar.manage',
        id: 'calendar',
      },
    ],
  },
  {
    title: 'nav.personal',
    items: [
      { path: consoleLink('/inbox'), label: 'nav.inbox', icon: Bell, id: 'inbox' },
      { path: consoleLink('/password'), label: 'nav.password', icon: Key, id: 'password' },
    ],
  },
];

/** The menu a user with these permissions sees: empty groups disappear. */
export function visibleNav(can: (permission: string) => boolean): NavGroup[] {
  return NAV.map((g) => ({ ...g, items: g.items.filter((i) => holds(can, i.permission)) })).filter(
    (g) => g.items.length > 0,
  );
}
