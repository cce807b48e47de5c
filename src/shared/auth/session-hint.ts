/**
 * A cookie the web app can read (the session cookie itself is HttpOnly) that says a browser signed in:
 * without it the app does not ask /api/auth/me, so an anonymous visitor of the portal causes no
 * 401 and one request less. It holds no secret; the session cookie alone authenticates.
 */
export const SIGNED_IN_HINT_COOKIE = 'gs_signed_in';
