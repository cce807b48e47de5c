/**
 * The pages of a public user's centre (用户中心, R-34), in menu order. Each is a child route of
 * `portal-me` in router.ts with this name; MeLayout draws the menu from this list.
 */
export const ME_PAGES = [
  { name: 'portal-me-profile', title: 'account.nav.profile' },
  { name: 'portal-me-security', title: 'account.nav.security' },
  { name: 'portal-me-applications', title: 'applications.me.title' },
  { name: 'portal-me-favourites', title: 'account.nav.favourites' },
  { name: 'portal-me-downloads', title: 'account.nav.downloads' },
  { name: 'portal-me-requests', title: 'feedback.me.title' },
  { name: 'portal-me-keys', title: 'openapi.nav.keys' },
] as const;
