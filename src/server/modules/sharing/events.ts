/** What sharing tells other modules, published in the transaction of the change (platform/events). */
declare module '../../platform/events' {
  interface EventMap {
    /** A grant began, was revoked, renewed or expired: whoever delivers data under it checks it again. */
    'sharing.grant.changed': {
      grantId: string;
      entryId: string;
      consumerDepartmentId: string;
      change: 'created' | 'revoked' | 'renewed' | 'expired';
    };
  }
}
export {};
