/** Art 25's operation kinds plus logins and administration; codes are what the log stores. */
export const AUDIT_CATEGORIES = {
  aggregate: { zh: '汇聚', en: 'Aggregation' },
  share: { zh: '共享', en: 'Sharing' },
  query: { zh: '查询', en: 'Query' },
  compare: { zh: '比对', en: 'Comparison' },
  download: { zh: '下载', en: 'Download' },
  analyze: { zh: '分析研判', en: 'Analysis' },
  access: { zh: '访问', en: 'Access' },
  maintain: { zh: '更新维护', en: 'Update and maintenance' },
  login: { zh: '登录', en: 'Login' },
  admin: { zh: '管理', en: 'Administration' },
} as const;

export type AuditCategory = keyof typeof AUDIT_CATEGORIES;
export const AUDIT_CATEGORY_CODES = Object.keys(AUDIT_CATEGORIES) as AuditCategory[];

export type AuditOutcome = 'success' | 'denied' | 'failed';

/** What a route declares about itself; the audit hook fills in who, where, when and the outcome. */
export interface AuditSpec {
  category: AuditCategory;
  action: string;
  /** Kind of object acted on, e.g. 'department'; the id comes from the route param named by targetParam. */
  targetType?: string;
  targetParam?: string;
  /**
   * false: a state-changing route whose writes must stay even when it answers with an error (login
   * keeps its failed-attempt count) runs without the request's change transaction.
   */
  transaction?: false;
  /**
   * true: the route streams its body and also records `<action>.end` with the rows sent, through
   * auditStreamEnd; declared so that the action label table can be checked against the routes.
   */
  streamEnd?: true;
}
