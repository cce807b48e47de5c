/**
 * Kinds of entries in the security operations register, with their Chinese and English names;
 * docs/glossary.md lists the same identifiers.
 */
export const SECURITY_RECORD_KINDS = {
  assessment: { zh: '安全测评', en: 'Security assessment', article: 25 },
  drill: { zh: '应急演练', en: 'Emergency drill', article: 25 },
  risk_assessment: { zh: '风险评估', en: 'Risk assessment', article: 23 },
  security_review: { zh: '安全审查', en: 'Security review', article: 23 },
  inspection: { zh: '安全保密检查', en: 'Security or secrecy inspection', article: 26 },
} as const;
export type SecurityRecordKind = keyof typeof SECURITY_RECORD_KINDS;
export const SECURITY_RECORD_KIND_CODES = Object.keys(SECURITY_RECORD_KINDS) as SecurityRecordKind[];

/** Art 25: the platform holds at least one of each of these every year; the register reminds when it has not. */
export const YEARLY_KINDS = ['assessment', 'drill'] as const satisfies readonly SecurityRecordKind[];
