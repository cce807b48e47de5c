/** 有条件开放 applications (R-32, Art 22): shared by the server and both web apps. */

/** The provider answers within this many working days of receipt (Art 22). */
export const APPLICATION_ANSWER_WORKING_DAYS = 20;

/** Longest period of use one application may ask for or be granted, in days. */
export const APPLICATION_MAX_DAYS = 366;

export const APPLICATION_STATUSES = {
  submitted: { zh: '待答复', en: 'Awaiting answer' },
  approved: { zh: '已同意', en: 'Approved' },
  refused: { zh: '不予开放', en: 'Refused' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
} as const;
export type ApplicationStatus = keyof typeof APPLICATION_STATUSES;
export const APPLICATION_STATUS_CODES = Object.keys(APPLICATION_STATUSES) as ApplicationStatus[];

/**
 * The security commitment (安全承诺书) an applicant signs online by typing their name; the version
 * is stored with the signature so that a later text does not change what was signed.
 */
export const COMMITMENT = {
  version: '2026-1',
  zh: [
    '一、仅将所获数据用于申请中载明的用途和场景，不超范围使用，不向第三方提供、转让或公开。',
    '二、落实数据安全保护责任，采取必要的管理和技术措施，防止数据泄露、篡改、丢失。',
    '三、不对数据进行去脱敏、重新识别个人身份等处理，不侵犯国家秘密、商业秘密和个人隐私。',
    '四、使用期满或用途完成后删除所获数据，并按要求向平台反馈数据使用成效。',
    '五、违反上述承诺的，同意平台终止数据开放服务，并依法承担相应责任。',
  ],
};
