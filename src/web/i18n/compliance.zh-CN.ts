/** Chinese text of 条款落实情况 (the live compliance view); compliance.en.ts has the same keys. */
const complianceZh = {
  nav: '条款落实情况',
  title: '《管理办法》条款落实情况',
  hint: '逐条列出《上饶市政务信息资源共享和开放管理办法》第一条至第三十二条，并给出本平台当前的实时证据（每次打开时读取），可导出供安全、保密检查（第二十六条）使用。',
  export: '导出 Excel',
  generatedAt: '生成时间 {at}',
  filter: { all: '全部条款', attention: '需关注', software: '平台落实的条款' },
  status: { met: '符合', attention: '需关注', informative: '仅供参考' },
  article: '第{no}条',
  noEvidence: '本条规范人员和组织，平台无直接证据',
  noFacts: '暂无证据',
  open: '查看',
  summary: '符合 {met} 条，需关注 {attention} 条',
  empty: '没有符合筛选条件的条款',
};
export default complianceZh;
export type ComplianceMessages = typeof complianceZh;
