/** Chinese text of 下载溯源 (Art 18: a leaked file traced to its download); trace.en.ts has the same keys. */
const traceZh = {
  nav: '下载溯源',
  title: '下载溯源',
  hint: '共享授权导出和开放门户实名用户下载的每个文件都带有不可见的数字水印，并随下载一同登记。上传泄露的 CSV、JSON Lines 或 Excel 文件（或其中至少约 200 行的片段，顺序不限），即可查明它来自哪一次下载：共享授权、部门、用户和时间。溯源操作记入审计日志。',
  drop: '将文件拖到此处，或点击选择',
  limit: 'CSV、JSON Lines 或 Excel（.xlsx），不超过 {mb} MB',
  start: '开始溯源',
  verdict: {
    matched: '已溯源到一次下载',
    ambiguous: '有多个下载记录相符，无法唯一确定，请提供更多行',
    no_match: '未找到相符的下载记录：该文件不是平台标记过的下载，或水印已被破坏',
    too_few_rows: '行数过少，无法判定（约需 200 行以上）',
  },
  summary: '{file}：{format} 格式，{voting} 行携带水印信息，判定了 64 位水印中的 {bits} 位',
  embedded: '文件属性中登记的水印：{marks}',
  mark: '水印编号',
  channel: '下载途径与资源',
  channels: { grant: '共享授权导出', open: '开放门户下载' },
  format: '格式',
  grant: '共享授权',
  department: '部门',
  user: '用户',
  ip: 'IP 地址',
  at: '下载时间',
  rowsVotes: '下载行数 / 相符行',
  cutShort: '（未完成）',
  votesOf: '相符 {agreeing} / {voting}',
  inProperties: '文件属性中登记',
};

export default traceZh;
