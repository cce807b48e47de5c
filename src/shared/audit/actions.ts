/**
 * Every action code the audit log records, with the words an investigator reads. One table for the
 * server (API labels, CSV export) and the web; test/platform/audit-actions.test.ts fails when an
 * audited route or a recorder outside routes uses a code missing here, or when a code here is
 * recorded by nobody.
 */
export interface AuditActionLabel {
  zh: string;
  en: string;
}

export const AUDIT_ACTIONS = {
  // Sign-in and the account's own security
  'auth.login': { zh: '登录', en: 'Log in' },
  'auth.logout': { zh: '退出登录', en: 'Log out' },
  'auth.mfa.setup': { zh: '设置动态口令', en: 'Set up second factor' },
  'auth.mfa.enable': { zh: '启用动态口令', en: 'Enable second factor' },
  'auth.mfa.verify': { zh: '动态口令验证', en: 'Second-factor check' },
  'auth.password.change': { zh: '修改密码', en: 'Change password' },
  // Public accounts
  'open.account.register': { zh: '注册公众账号', en: 'Register public account' },
  'open.account.confirm': { zh: '激活公众账号', en: 'Confirm public account' },
  'open.account.resend': { zh: '重发激活验证码', en: 'Resend confirmation code' },
  'open.account.password.forgot': { zh: '申请找回密码', en: 'Ask for password reset' },
  'open.account.password.reset': { zh: '重置密码', en: 'Reset password' },
  'open.account.realname': { zh: '重新实名核验', en: 'Recheck real name' },
  'open.favourite.add': { zh: '收藏开放数据集', en: 'Keep a dataset' },
  'open.favourite.remove': { zh: '取消收藏开放数据集', en: 'Stop keeping a dataset' },

  // The audit log itself
  'audit.search': { zh: '查询审计日志', en: 'Audit log search' },
  'audit.export': { zh: '导出审计日志', en: 'Audit log export' },
  'audit.verify': { zh: '审计日志完整性校验', en: 'Audit chain verification' },
  'audit.retention.set': { zh: '设置日志保留期限', en: 'Set log retention' },
  'audit.archive': { zh: '导出审计日志签名归档', en: 'Audit log signed archive' },
  'audit.department.search': { zh: '查询本部门相关审计日志', en: 'Department audit log search' },
  'audit.department.export': { zh: '导出本部门相关审计日志', en: 'Department audit log export' },
  'audit.department.archive': { zh: '导出本部门相关审计日志签名归档', en: 'Department audit log signed archive' },
  'audit.retention.drop': { zh: '清理超期审计日志分区', en: 'Drop expired audit log partition' },
  'audit.digest.send': { zh: '推送数据使用情况摘要', en: 'Send usage digest' },
  'audit.digest.list': { zh: '查看数据使用情况摘要', en: 'List usage digests' },
  'audit.digest.read': { zh: '查看数据使用情况摘要详情', en: 'Read usage digest' },
  'audit.digest.webhook.set': { zh: '设置使用摘要推送地址', en: 'Set usage digest webhook' },

  // Working calendar
  'calendar.view': { zh: '查看工作日历', en: 'View calendar' },
  'calendar.day.set': { zh: '设置日历日期', en: 'Set calendar day' },
  'calendar.day.clear': { zh: '清除日历设置', en: 'Clear calendar day' },
  'calendar.import': { zh: '导入节假日', en: 'Import holidays' },

  // Organisations and accounts
  'org.region.create': { zh: '新增行政区划', en: 'Create region' },
  'org.region.update': { zh: '修改行政区划', en: 'Update region' },
  'org.department.search': { zh: '查询部门', en: 'Department search' },
  'org.department.create': { zh: '新增部门', en: 'Create department' },
  'org.department.update': { zh: '修改部门', en: 'Update department' },
  'org.user.search': { zh: '查询用户', en: 'User search' },
  'org.user.view': { zh: '查看用户', en: 'View user' },
  'org.user.create': { zh: '新增用户', en: 'Create user' },
  'org.user.update': { zh: '修改用户', en: 'Update user' },
  'org.user.unlock': { zh: '解锁账号', en: 'Unlock account' },
  'org.user.reset_password': { zh: '重置密码', en: 'Reset password' },
  'org.user.reset_mfa': { zh: '重置动态口令', en: 'Reset second factor' },
  'org.specialist.search': { zh: '查询数据专员', en: 'Data specialist search' },
  'org.specialist.history': { zh: '查看数据专员变更记录', en: 'Data specialist history' },
  'org.specialist.create': { zh: '新增数据专员', en: 'Add data specialist' },
  'org.specialist.update': { zh: '修改数据专员', en: 'Update data specialist' },
  'org.specialist.retire': { zh: '数据专员离任', en: 'Retire data specialist' },

  // Catalog
  'catalog.class.create': { zh: '新增目录分类', en: 'Create catalog class' },
  'catalog.class.update': { zh: '修改目录分类', en: 'Update catalog class' },
  'catalog.class.department_item': { zh: '新增部门分类项', en: 'Add department class item' },
  'catalog.synonyms.read': { zh: '查看检索同义词', en: 'View search synonyms' },
  'catalog.synonyms.set': { zh: '维护检索同义词', en: 'Edit search synonyms' },
  'catalog.entry.create': { zh: '新建目录', en: 'Create catalog entry' },
  'catalog.entry.read': { zh: '查看目录', en: 'View catalog entry' },
  'catalog.entry.versions': { zh: '查看目录版本', en: 'View entry versions' },
  'catalog.entry.mine': { zh: '查看本部门目录', en: "View own department's entries" },
  'catalog.version.read': { zh: '查看目录版本详情', en: 'View catalog version' },
  'catalog.version.diff': { zh: '目录版本比对', en: 'Compare catalog versions' },
  'catalog.version.update': { zh: '编辑目录', en: 'Edit catalog version' },
  'catalog.version.submit': { zh: '提交目录审核', en: 'Submit for review' },
  'catalog.version.withdraw': { zh: '撤回目录审核', en: 'Withdraw from review' },
  'catalog.review.dept': { zh: '部门审核目录', en: 'Department review' },
  'catalog.review.platform': { zh: '平台审核目录', en: 'Platform review' },
  'catalog.review.queue': { zh: '查看目录待审', en: 'View review queue' },
  'catalog.change.start': { zh: '发起目录变更', en: 'Start catalog change' },
  'catalog.change.delete': { zh: '申请删除目录', en: 'Request entry deletion' },
  'catalog.version.publish.effective': { zh: '目录发布生效', en: 'Version publication took effect' },
  'catalog.entry.delete.effective': { zh: '目录删除生效', en: 'Entry deletion took effect' },
  'catalog.subscribe': { zh: '订阅目录', en: 'Subscribe to entry' },
  'catalog.unsubscribe': { zh: '取消订阅目录', en: 'Unsubscribe from entry' },
  'catalog.subscriptions': { zh: '查看订阅', en: 'View subscriptions' },
  'catalog.search': { zh: '目录检索', en: 'Catalog search' },
  'catalog.excel.template': { zh: '下载目录导入模板', en: 'Download import template' },
  'catalog.excel.import': { zh: '导入目录Excel', en: 'Import catalog Excel' },
  'catalog.excel.import.finish': { zh: '目录Excel导入完成', en: 'Catalog Excel import finished' },
  'catalog.excel.export': { zh: '导出目录Excel', en: 'Export catalog Excel' },
  'catalog.objection.raise': { zh: '提出目录异议', en: 'Raise objection' },
  'catalog.objection.search': { zh: '查询目录异议', en: 'Objection search' },
  'catalog.objection.read': { zh: '查看目录异议', en: 'View objection' },
  'catalog.objection.answer': { zh: '答复目录异议', en: 'Answer objection' },
  'catalog.objection.confirm': { zh: '确认异议答复', en: 'Confirm objection answer' },
  'catalog.objection.reopen': { zh: '重新提出异议', en: 'Reopen objection' },
  'catalog.demand.file': { zh: '提出目录需求', en: 'File catalog demand' },
  'catalog.demand.search': { zh: '查询目录需求', en: 'Demand search' },
  'catalog.demand.reject': { zh: '驳回目录需求', en: 'Reject demand' },
  'catalog.responsibility.create': { zh: '新增责任清单事项', en: 'Create responsibility item' },
  'catalog.responsibility.search': { zh: '查询责任清单', en: 'Responsibility search' },
  'catalog.responsibility.link': { zh: '责任清单关联目录', en: 'Link responsibility item' },

  // Sharing
  'sharing.apply-info': { zh: '查看申请须知', en: 'View application info' },
  'sharing.request.create': { zh: '提交共享申请', en: 'Submit share request' },
  'sharing.request.search': { zh: '查询共享申请', en: 'Share request search' },
  'sharing.request.read': { zh: '查看共享申请', en: 'View share request' },
  'sharing.request.resubmit': { zh: '重新提交共享申请', en: 'Resubmit share request' },
  'sharing.request.withdraw': { zh: '撤回共享申请', en: 'Withdraw share request' },
  'sharing.request.prereview': { zh: '共享申请预审', en: 'Pre-review share request' },
  'sharing.request.decide': { zh: '共享申请审核', en: 'Decide share request' },
  'sharing.letter.upload': { zh: '上传申请函', en: 'Upload request letter' },
  'sharing.letter.download': { zh: '下载申请函', en: 'Download request letter' },
  'sharing.grant.search': { zh: '查询共享授权', en: 'Grant search' },
  'sharing.grant.read': { zh: '查看共享授权', en: 'View grant' },
  'sharing.grant.revoke': { zh: '撤销共享授权', en: 'Revoke grant' },
  'sharing.grant.renew': { zh: '续期共享授权', en: 'Renew grant' },

  // Service gateway
  'gateway.upstream.read': { zh: '查看服务接口登记', en: 'View service registration' },
  'gateway.upstream.save': { zh: '登记服务接口', en: 'Register service' },
  'gateway.upstream.describe': { zh: '解析接口描述', en: 'Read service description' },
  'gateway.upstream.revisions': { zh: '查看服务接口修订记录', en: 'View service revisions' },
  'gateway.upstream.stats': { zh: '查看接口监控', en: 'View service monitoring' },
  'gateway.change.list': { zh: '查询待审核的服务接口变更', en: 'Pending service change search' },
  'gateway.change.review': { zh: '审核服务接口变更', en: 'Review service change' },
  'gateway.change.withdraw': { zh: '撤回服务接口变更', en: 'Withdraw service change' },
  'gateway.system.list': { zh: '查询应用系统', en: 'Consuming system search' },
  'gateway.system.create': { zh: '登记应用系统', en: 'Register consuming system' },
  'gateway.system.rotate': { zh: '更换应用密钥', en: 'Rotate app secret' },
  'gateway.system.disable': { zh: '停用应用系统', en: 'Disable consuming system' },
  'gateway.system.enable': { zh: '启用应用系统', en: 'Enable consuming system' },
  'gateway.docs': { zh: '查看可调用的服务接口文档', en: 'View callable services' },
  'gateway.token': { zh: '获取接口访问令牌', en: 'Get gateway token' },
  'gateway.call': { zh: '调用服务接口', en: 'Service call' },
  // Assessment and violations (issue #16 points 1–3)
  'supervision.weights.update': { zh: '设置考核指标权重', en: 'Set indicator weights' },
  'supervision.thresholds.update': { zh: '设置红黄绿牌分数线', en: 'Set card thresholds' },
  'supervision.snapshot.compute': { zh: '重新计算考核指标', en: 'Recompute assessment' },
  'supervision.ranking.read': { zh: '查看考核排名', en: 'View assessment ranking' },
  'supervision.card.read': { zh: '查看部门考核结果', en: "View a department's assessment" },
  'supervision.evidence.read': { zh: '查看考核指标依据', en: 'View indicator evidence' },
  'supervision.trend.read': { zh: '查看考核趋势', en: 'View assessment trend' },
  'supervision.export.xlsx': { zh: '导出考核结果（Excel）', en: 'Export assessment (Excel)' },
  'supervision.export.pdf': { zh: '导出考核结果（PDF）', en: 'Export assessment (PDF)' },
  'supervision.violation.list': { zh: '查询违规线索', en: 'Violation search' },
  'supervision.violation.read': { zh: '查看违规线索', en: 'View violation' },
  'supervision.violation.dismiss': { zh: '排除违规线索', en: 'Dismiss violation' },
  'supervision.violation.report': { zh: '报告超出履职需要使用共享数据', en: 'Report use beyond duties' },
  'supervision.violation.detect': { zh: '立即检测违规线索', en: 'Detect violations now' },
  // Rectification notices, circulars, the leading group report (issue #16 point 4)
  'supervision.rectification.list': { zh: '查询整改通知', en: 'Rectification notice search' },
  'supervision.rectification.read': { zh: '查看整改通知', en: 'View rectification notice' },
  'supervision.rectification.issue': { zh: '下发整改通知', en: 'Issue rectification notice' },
  'supervision.rectification.answer': { zh: '反馈整改情况', en: 'Answer rectification notice' },
  'supervision.rectification.verify': { zh: '验收整改通知', en: 'Verify rectification' },
  'supervision.rectification.attachment.upload': { zh: '上传整改佐证材料', en: 'Upload rectification evidence' },
  'supervision.rectification.attachment.download': { zh: '下载整改佐证材料', en: 'Download rectification evidence' },
  'supervision.circular.list': { zh: '查询通报', en: 'Circular search' },
  'supervision.circular.read': { zh: '查看通报', en: 'View circular' },
  'supervision.circular.publish': { zh: '发布逾期整改通报', en: 'Publish circular' },
  'supervision.report.export': { zh: '导出领导小组报告', en: 'Export leading group report' },
  // 数据专员 training (issue #16 point 5, Art 28)
  'training.session.list': { zh: '查询数据专员培训', en: 'Training session search' },
  'training.session.read': { zh: '查看培训', en: 'View training session' },
  'training.session.create': { zh: '登记培训', en: 'Record training session' },
  'training.session.update': { zh: '修改培训', en: 'Correct training session' },
  'training.attendance.record': { zh: '登记参训人员', en: 'Record training attendance' },
  'training.material.upload': { zh: '上传培训材料', en: 'Upload training material' },
  'training.material.download': { zh: '下载培训材料', en: 'Download training material' },
  'training.record.list': { zh: '查询数据专员培训记录', en: 'Training record search' },
  'training.record.read': { zh: '查看数据专员培训档案', en: "View a specialist's training record" },
  // Security operations register
  // The compliance view (issue #16 point 6)
  'supervision.compliance.read': { zh: '查看条款落实情况', en: 'View compliance by article' },
  'supervision.compliance.export': { zh: '导出条款落实情况', en: 'Export compliance by article' },
  'security.register.list': { zh: '查询安全工作台账', en: 'Security register search' },
  'security.register.read': { zh: '查看安全工作记录', en: 'View security register record' },
  'security.register.create': { zh: '登记安全工作', en: 'Register security work' },
  'security.register.update': { zh: '修改安全工作记录', en: 'Correct security register record' },
  'security.action.add': { zh: '新增整改措施', en: 'Add follow-up action' },
  'security.action.complete': { zh: '完成整改措施', en: 'Close follow-up action' },
  'security.attachment.upload': { zh: '上传安全工作附件', en: 'Upload security register attachment' },
  'security.attachment.download': { zh: '下载安全工作附件', en: 'Download security register attachment' },
  'security.trace': { zh: '下载溯源', en: 'Trace a leaked file' },
  // Exchange: sources, the data resource center, files, pushes
  'exchange.source.list': { zh: '查询数据源', en: 'Data source search' },
  'exchange.source.read': { zh: '查看数据源', en: 'View data source' },
  'exchange.source.create': { zh: '新增数据源', en: 'Create data source' },
  'exchange.source.update': { zh: '修改数据源', en: 'Update data source' },
  'exchange.source.delete': { zh: '删除数据源', en: 'Delete data source' },
  'exchange.source.test': { zh: '测试数据源连接', en: 'Test data source' },
  'exchange.source.tables': { zh: '查看数据源表', en: 'List source tables' },
  'exchange.source.columns': { zh: '查看数据源字段', en: 'List source columns' },
  'exchange.binding.save': { zh: '保存汇聚配置', en: 'Save source binding' },
  'exchange.pull.request': { zh: '发起数据汇聚', en: 'Start data pull' },
  'exchange.pull.full': { zh: '全量汇聚', en: 'Full pull' },
  'exchange.pull.incremental': { zh: '增量汇聚', en: 'Incremental pull' },
  'exchange.libraries': { zh: '查看资源库', en: 'View resource libraries' },
  'exchange.upload': { zh: '上传数据', en: 'Upload data' },
  'exchange.file.upload': { zh: '上传文件', en: 'Upload file' },
  'exchange.file.list': { zh: '查看文件', en: 'List files' },
  'exchange.file.download': { zh: '下载文件', en: 'Download file' },
  'exchange.file.withdraw': { zh: '撤回文件', en: 'Withdraw file' },
  'exchange.masking.save': { zh: '保存脱敏规则', en: 'Save masking rules' },
  'exchange.push.save': { zh: '保存推送配置', en: 'Save push settings' },
  'exchange.push.delete': { zh: '删除推送配置', en: 'Delete push settings' },
  'exchange.push.request': { zh: '发起数据推送', en: 'Start data push' },
  'exchange.push.full': { zh: '全量推送', en: 'Full push' },
  'exchange.push.incremental': { zh: '增量推送', en: 'Incremental push' },
  'exchange.records.query': { zh: '接口查询数据', en: 'Data query (API)' },
  'exchange.records.openapi': { zh: '查看资源接口说明', en: 'View resource API description' },
  'exchange.records.verify': { zh: '数据比对核验', en: 'Data verification' },
  'exchange.records.export': { zh: '导出资源数据', en: 'Export resource data' },
  'exchange.records.export.end': { zh: '资源数据导出结束', en: 'Resource data export ended' },

  // The platform's overview, and work nobody requested at that moment
  'overview.read': { zh: '查看全市概览', en: 'View city overview' },
  'demo.seed': { zh: '导入示例数据', en: 'Seed demo data' },
  'user.create': { zh: '命令行创建用户', en: 'Create user (CLI)' },
  'backup.create': { zh: '命令行备份', en: 'Backup (CLI)' },
  'backup.restore': { zh: '命令行恢复备份', en: 'Restore from backup (CLI)' },
  'backup.download': { zh: '下载平台备份', en: 'Download platform backup' },
  'keys.rotate_data_key': { zh: '轮换数据密钥', en: 'Rotate data key' },
  'keys.rotate_master_key': { zh: '轮换主密钥（重新封装数据密钥）', en: 'Rotate master key (re-wrap data keys)' },
  'keys.rotate_instance_key': { zh: '轮换平台签名密钥', en: 'Rotate instance signing key' },

  // Open portal (R-30 … R-33)
  'open.dataset.search': { zh: '查询开放目录', en: 'Search open datasets' },
  'open.dataset.read': { zh: '查看开放目录', en: 'View open dataset' },
  'open.dataset.review': { zh: '开放保密审查', en: 'Confidentiality review' },
  'open.dataset.withdraw': { zh: '撤回开放', en: 'Withdraw from the portal' },
  'open.data.preview': { zh: '预览开放数据', en: 'Preview open data' },
  'open.data.download': { zh: '下载开放数据', en: 'Download open data' },
  'open.data.download.end': { zh: '开放数据下载结束', en: 'Open data download ended' },
  // Open API and its free keys
  'open.key.create': { zh: '申请开放接口密钥', en: 'Create open API key' },
  'open.key.disable': { zh: '停用开放接口密钥', en: 'Disable open API key' },
  'open.api.records': { zh: '开放接口查询数据', en: 'Open API data query' },
  'open.ckan.datastore_search': { zh: 'CKAN 接口查询数据', en: 'CKAN datastore query' },

  // Public data requests and feedback
  'open.application.apply': { zh: '提交有条件开放申请', en: 'Apply for conditional open data' },
  'open.application.search': { zh: '查询开放申请', en: 'Application search' },
  'open.application.read': { zh: '查看开放申请', en: 'View application' },
  'open.application.decide': { zh: '答复开放申请', en: 'Answer application' },
  'open.application.withdraw': { zh: '撤回开放申请', en: 'Withdraw application' },
  'open.application.report': { zh: '反馈数据使用成效', en: 'Report data use' },
  'open.attachment.upload': { zh: '上传开放审查或申请附件', en: 'Upload attachment' },
  'open.attachment.download': { zh: '下载开放审查或申请附件', en: 'Download attachment' },
  'open.request.file': { zh: '提出数据需求', en: 'File data request' },
  'open.request.vote': { zh: '数据需求“我也需要”', en: 'Vote for data request' },
  'open.request.search': { zh: '查询数据需求', en: 'Data request search' },
  'open.request.read': { zh: '查看数据需求', en: 'View data request' },
  'open.request.moderate': { zh: '审核数据需求', en: 'Moderate data request' },
  'open.request.answer': { zh: '答复数据需求', en: 'Answer data request' },
  'open.dataset.rate': { zh: '开放数据评分', en: 'Rate open dataset' },
  'open.comment.post': { zh: '发表开放数据评论', en: 'Comment on open dataset' },
  'open.comment.search': { zh: '查询开放数据评论', en: 'Comment search' },
  'open.comment.moderate': { zh: '审核开放数据评论', en: 'Moderate comment' },
  'open.error.report': { zh: '开放数据纠错', en: 'Report data error' },
  'open.error.search': { zh: '查询开放数据纠错', en: 'Error report search' },
  'open.error.answer': { zh: '答复开放数据纠错', en: 'Answer error report' },
} as const satisfies Record<string, AuditActionLabel>;

export type AuditActionCode = keyof typeof AUDIT_ACTIONS;

export function isAuditAction(code: string): code is AuditActionCode {
  return Object.hasOwn(AUDIT_ACTIONS, code);
}

/** A denied call to a route that is otherwise unaudited records its method and path as the action. */
const ROUTE_ACTION = /^(GET|POST|PUT|PATCH|DELETE) \//;

/**
 * The label of an action code. A denied call to an unaudited route is labelled as an API call with
 * its path; a code missing from the table (an event older than a renamed action) shows as itself.
 */
export function auditActionLabel(code: string): AuditActionLabel {
  if (isAuditAction(code)) return AUDIT_ACTIONS[code];
  if (ROUTE_ACTION.test(code)) return { zh: `调用接口 ${code}`, en: `API call ${code}` };
  return { zh: code, en: code };
}

/**
 * The action codes a keyword names: those whose code or label contains it (any case), and the
 * keyword itself, which may be a code missing here (a denied call's `GET /api/…`, an older code).
 */
export function matchingAuditActions(keyword: string): string[] {
  const k = keyword.toLowerCase();
  const codes = Object.entries(AUDIT_ACTIONS)
    .filter(([code, l]) => code.includes(k) || l.zh.includes(keyword) || l.en.toLowerCase().includes(k))
    .map(([code]) => code);
  return codes.includes(keyword) ? codes : [...codes, keyword];
}
