/**
 * R-19 (Art 18) use limits: the terms an applicant accepts, recorded with the request, and the
 * stamp every delivery under a grant carries (file, API response, export), so that a copy found
 * anywhere names the grant it left the platform under.
 */

/** Bump the version whenever the text changes: each request records the version it accepted. */
export const USE_TERMS = {
  version: '2026-1',
  textZh:
    '一、共享数据仅用于本部门依法履行职责，不得用于其他目的；\n' +
    '二、不得以任何形式提供给第三方，亦不得用于或变相用于商业目的；\n' +
    '三、按授权的数据项、共享方式和有效期使用，妥善保管，落实安全保护措施；\n' +
    '四、使用后向提供部门反馈应用成效；发现数据有误或被滥用时及时告知提供部门和平台管理机构；\n' +
    '五、违反上述约定的，平台管理机构可撤销授权并依法追究责任。',
  textEn:
    '1. Shared data serves only the duties of the requesting department, for no other purpose.\n' +
    '2. It is not passed to third parties in any form, nor used, directly or indirectly, for commercial ends.\n' +
    '3. It is used within the granted items, method and validity, kept safe and protected.\n' +
    '4. The department reports the effect of the use to the provider, and reports errors or misuse to the provider and the platform.\n' +
    '5. On a breach the platform may revoke the grant; liability follows the law.',
} as const;

/** The HTTP header that carries the grant id on every API response served under a grant. */
export const GRANT_HEADER = 'x-govshare-grant';

export interface DeliveryStamp {
  /** Header name and value for API responses and file downloads. */
  header: readonly [string, string];
  /** A line for file headers, export sheets and metadata: who may use it, under which grant. */
  notice: string;
}

/** What a delivery under a grant carries (the exchange and gateway add it to files and responses). */
export function deliveryStamp(grant: { no: string; consumerDepartmentName: string; validTo: string }): DeliveryStamp {
  return {
    header: [GRANT_HEADER, grant.no],
    notice: `共享授权 ${grant.no}：仅限${grant.consumerDepartmentName}履行职责使用，有效期至 ${grant.validTo}，不得向第三方提供。`,
  };
}
