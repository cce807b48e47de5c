/**
 * The regulation's 32 articles (上饶市政务信息资源共享和开放管理办法), as the compliance view lists
 * them. `software`: what the platform itself does or records for the article; the others bind people
 * and organisations (the view still lists them, without live evidence).
 */
export interface Article {
  no: number;
  chapter: number;
  zh: string;
  en: string;
  software: boolean;
}

export const CHAPTERS: Record<number, { zh: string; en: string }> = {
  1: { zh: '第一章 总则', en: 'Chapter 1 General provisions' },
  2: { zh: '第二章 政务信息资源目录管理', en: 'Chapter 2 Catalog management' },
  3: { zh: '第三章 资源共享', en: 'Chapter 3 Sharing' },
  4: { zh: '第四章 资源开放', en: 'Chapter 4 Opening' },
  5: { zh: '第五章 安全管理', en: 'Chapter 5 Security' },
  6: { zh: '第六章 保障和监督', en: 'Chapter 6 Assurance and supervision' },
  7: { zh: '第七章 附则', en: 'Chapter 7 Supplementary provisions' },
};

const a = (no: number, chapter: number, zh: string, en: string, software = true): Article => ({
  no,
  chapter,
  zh,
  en,
  software,
});

export const ARTICLES: readonly Article[] = [
  a(1, 1, '制定目的和依据', 'Purpose and basis', false),
  a(2, 1, '政务部门、政务信息资源、共享和开放的定义', 'Definitions', false),
  a(
    3,
    1,
    '依托共享和开放平台（目录管理系统、共享门户、交换系统、数据资源中心、开放门户）',
    'Everything runs on the platform: catalog system, sharing portal, exchange, data resource center, open portal',
  ),
  a(4, 1, '适用范围', 'Scope', false),
  a(
    5,
    1,
    '领导小组、大数据局、各部门和县（市、区）的职责',
    'Responsibilities of the leading group, the bureau, departments and counties',
  ),
  a(6, 1, '以共享为原则，不共享为例外', 'Sharing is the rule, not sharing the exception'),
  a(
    7,
    2,
    '编制目录，形成全市统一目录和共享开放责任清单，跨层级目录同步',
    'Catalogs compiled into one city catalog; responsibility list; catalog sync across levels',
  ),
  a(8, 2, '确定是否开放：共享目录与开放目录', 'Open or not: the sharing catalog and the open catalog'),
  a(
    9,
    2,
    '目录更新、删除提前一个月通知使用部门并经审核；疑义反馈校核',
    'Changes notified a month ahead and reviewed; objections checked by the provider',
  ),
  a(10, 3, '资源共享门户的检索查询、申请订阅', 'The sharing portal: search, request, subscribe'),
  a(11, 3, '无条件共享、有条件共享、不予共享及其政策依据', 'Share types and their legal basis'),
  a(
    12,
    3,
    '业务系统与交换平台对接；库表、文件、服务接口方式',
    'Systems connected to the exchange; tables, files and service interfaces',
  ),
  a(
    13,
    3,
    '数据专员；共享信息经平台传输；申请说明用途和系统名称',
    'Data specialists; data moves through the platform only; purpose and system named',
  ),
  a(
    14,
    3,
    '无条件共享直接获取；有条件共享 3 + 10 个工作日审核答复',
    'Unconditional at once; conditional reviewed in 3 + 10 working days',
  ),
  a(15, 3, '通过本级平台申请上级资源', 'Upper-level resources requested through the own platform'),
  a(16, 3, '多部门申请上级资源的汇总申请', 'Aggregated requests to the upper level'),
  a(17, 3, '新建系统建设主题库并依托平台共享', 'New systems share through the platform'),
  a(
    18,
    3,
    '共享信息仅限履职使用，使用部门对滥用和泄露负责',
    'Shared data only for official duties; consumers answer for misuse and leaks',
  ),
  a(19, 4, '资源开放门户', 'The open data portal'),
  a(20, 4, '开放前保密审查；开放目录向社会发布', 'Confidentiality review before opening; the open catalog published'),
  a(21, 4, '开放范围（民生领域）', 'Open domains'),
  a(
    22,
    4,
    '无条件开放直接获取；有条件开放 20 个工作日内答复',
    'Unconditional open at once; conditional answered in 20 working days',
  ),
  a(23, 5, '风险评估和安全审查', 'Risk assessments and security reviews'),
  a(24, 5, '脱敏、加密、访问认证等安全措施', 'Masking, encryption and access authentication'),
  a(
    25,
    5,
    '安全测评和应急演练每年至少一次；实名认证；日志审计保留不少于 6 个月并推送部门',
    'Yearly assessment and drill; real-name access; audit kept ≥ 6 months and pushed to departments',
  ),
  a(26, 5, '配合安全、保密检查', 'Security and secrecy inspections'),
  a(
    27,
    6,
    '提供部门维护更新资源，确保完整、准确、及时、可用',
    'Providers keep resources complete, accurate, timely and available',
  ),
  a(28, 6, '报送数据专员信息并及时更新；定期培训', 'Data specialists registered and kept current; regular training'),
  a(29, 6, '督促检查与评估考核', 'Supervision and assessment'),
  a(
    30,
    6,
    '违规情形、通知整改、通报并上报领导小组',
    'Violations, rectification notices, circulars and reports to the leading group',
  ),
  a(31, 7, '公共服务企业参照执行', 'Public-service enterprises follow the same rules'),
  a(32, 7, '施行日期', 'Entry into force', false),
];
