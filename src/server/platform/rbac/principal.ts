/**
 * Who is acting. Every request, job or peer call is one principal; authorization reads it through
 * scopeOf (rbac/scope.ts) and can (rbac/permissions.ts), never by looking at roles itself.
 * Only staff principals exist today; the other kinds are the shapes the open portal, the API
 * gateway and federation will produce, and every scope denies them until their issue says otherwise.
 */
export type Principal = StaffPrincipal | PublicUserPrincipal | ApiClientPrincipal | PeerPrincipal;

/** A real-name account of a department or of the platform, signed in with a session. */
export interface StaffPrincipal {
  kind: 'staff';
  userId: string;
  username: string;
  realName: string;
  departmentId: string | null;
  departmentName: string | null;
  roles: string[];
  sessionKind: 'cookie' | 'bearer';
  mfaPassed: boolean;
  tokenHash: string;
}

/** A citizen or company signed in to the open portal. */
export interface PublicUserPrincipal {
  kind: 'public_user';
  publicUserId: string;
  displayName: string;
}

/** A department's registered system calling with app credentials. */
export interface ApiClientPrincipal {
  kind: 'api_client';
  appId: string;
  departmentId: string;
}

/** Another platform instance (province, city, county) calling with signed requests. */
export interface PeerPrincipal {
  kind: 'peer';
  peerId: string;
  regionCode: string;
}

/** What scope decisions read of a staff principal; services often hold only this much of one. */
export type StaffIdentity = Pick<StaffPrincipal, 'departmentId' | 'roles'> & { kind?: 'staff' };
