import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { api, ApiError } from '../api/client';
import type { LoginResponse, Me, MfaEnrolment, Ok, UnreadCount } from '../api/types';
import { SIGNED_IN_HINT_COOKIE } from '../../shared/auth/session-hint';

const hasSignedIn = () => document.cookie.split('; ').some((c) => c.startsWith(`${SIGNED_IN_HINT_COOKIE}=`));
const forgetSignedIn = () => (document.cookie = `${SIGNED_IN_HINT_COOKIE}=; Max-Age=0; path=/`);

/** Who is signed in, and the login steps (password, then TOTP verify or enrolment). */
export const useSessionStore = defineStore('session', () => {
  const me = ref<Me | null>(null);
  /** True once /api/auth/me has been asked, so the router does not ask on every navigation. */
  const loaded = ref(false);
  const unread = ref(0);

  const loggedIn = computed(() => me.value !== null && me.value.mfaPassed);
  const permissions = computed(() => new Set(me.value?.permissions ?? []));
  const can = (permission: string) => permissions.value.has(permission);
  /** A member of the public, with no staff role: the portal is theirs, the console is not. */
  const publicOnly = computed(() => !!me.value?.roles.length && me.value.roles.every((r) => r === 'public_user'));

  async function load(): Promise<Me | null> {
    try {
      // A browser that never signed in has no session to ask about (session-hint.ts).
      me.value = hasSignedIn() ? await api.get<Me>('/api/auth/me', undefined, { allow401: true }) : null;
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
      me.value = null;
      forgetSignedIn();
    } finally {
      loaded.value = true;
    }
    return me.value;
  }

  async function login(username: string, password: string): Promise<LoginResponse> {
    const r = await api.post<LoginResponse>('/api/auth/login', { username, password }, { allow401: true });
    me.value = r.user;
    loaded.value = true;
    return r;
  }

  async function verifyMfa(code: string): Promise<void> {
    await api.post<Ok>('/api/auth/mfa/verify', { code }, { allow401: true });
    await load();
  }

  const startEnrolment = () => api.post<MfaEnrolment>('/api/auth/mfa/setup', {}, { allow401: true });

  async function enableMfa(code: string): Promise<void> {
    await api.post<Ok>('/api/auth/mfa/enable', { code }, { allow401: true });
    await load();
  }

  async function logout(): Promise<void> {
    try {
      await api.post<Ok>('/api/auth/logout', {}, { allow401: true });
    } catch {
      // The session may already be gone; the user is logged out either way.
    }
    clear();
  }

  function clear(): void {
    me.value = null;
    unread.value = 0;
    loaded.value = true;
  }

  async function refreshUnread(): Promise<void> {
    if (!loggedIn.value) return;
    try {
      unread.value = (await api.get<UnreadCount>('/api/inbox/unread-count')).unread;
    } catch {
      // A missed poll is harmless; the next one tries again.
    }
  }

  return {
    me,
    loaded,
    unread,
    loggedIn,
    permissions,
    can,
    publicOnly,
    load,
    login,
    verifyMfa,
    startEnrolment,
    enableMfa,
    logout,
    clear,
    refreshUnread,
  };
});
