/**
 * R-33 (Art 20): the questions a confidentiality review (保密审查) answers before an entry is opened.
 * Each is answered 'clear' (无此情形) or 'concern' (存在此情形); any concern fails the review.
 */
export const OPEN_REVIEW_CHECKS = {
  stateSecret: { zh: '不涉及国家秘密', en: 'Contains no state secrets' },
  commercialSecret: { zh: '不涉及商业秘密', en: 'Contains no commercial secrets' },
  personalPrivacy: { zh: '不涉及个人隐私（个人信息已脱敏）', en: 'Exposes no personal privacy (personal data masked)' },
  publicSafety: { zh: '不危害国家安全和社会公共安全', en: 'Does not endanger national or public security' },
} as const;
export type OpenReviewCheck = keyof typeof OPEN_REVIEW_CHECKS;
export const OPEN_REVIEW_CHECK_CODES = Object.keys(OPEN_REVIEW_CHECKS) as OpenReviewCheck[];

/**
 * Where an open entry stands on its way to the portal (开放状态). unreviewed: its current version has no
 * review yet (a new version starts over: what the public sees was reviewed as it is).
 */
export const OPEN_DATASET_STATUSES = {
  unreviewed: { zh: '待提供部门保密审查', en: 'Awaiting the provider’s review' },
  platform_review: { zh: '待平台保密审查', en: 'Awaiting the platform’s review' },
  open: { zh: '已开放', en: 'Open' },
  refused: { zh: '审查未通过', en: 'Review failed' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
} as const;
export type OpenDatasetStatus = keyof typeof OPEN_DATASET_STATUSES;
