/**
 * Vocabulary for a synthetic Shangrao catalog: departments, the subjects they catalog (with data
 * items, class, share and open types as such entries usually have), and the words that vary names
 * and summaries. Synthetic; no real personal data.
 */
export const COUNTIES: Array<[code: string, name: string]> = [
  ['361102', '信州区'],
  ['361103', '广丰区'],
  ['361104', '广信区'],
  ['361123', '玉山县'],
  ['361124', '铅山县'],
  ['361125', '横峰县'],
  ['361126', '弋阳县'],
  ['361127', '余干县'],
  ['361128', '鄱阳县'],
  ['361129', '万年县'],
  ['361130', '婺源县'],
  ['361181', '德兴市'],
];

/** Bureau keys → names. City bureaus are 上饶市<name>; county bureaus <county><name>. */
export const BUREAUS: Record<string, string> = {
  market: '市场监督管理局',
  police: '公安局',
  civil: '民政局',
  hrss: '人力资源和社会保障局',
  land: '自然资源局',
  env: '生态环境局',
  transport: '交通运输局',
  health: '卫生健康委员会',
  edu: '教育局',
  housing: '住房和城乡建设局',
  justice: '司法局',
  finance: '财政局',
  tax: '税务局',
  stats: '统计局',
  agri: '农业农村局',
  water: '水利局',
  emergency: '应急管理局',
  culture: '文化广电新闻出版旅游局',
  medins: '医疗保障局',
  weather: '气象局',
  urban: '城市管理局',
  drc: '发展和改革委员会',
  approval: '行政审批局',
  fund: '住房公积金管理中心',
};
/** Bureaus every county also has; the rest exist at city level only. */
export const COUNTY_BUREAUS = ['market', 'police', 'civil', 'hrss', 'land', 'health', 'edu', 'housing', 'agri', 'emergency'];

type Tri = 'unconditional' | 'conditional' | 'none';
export interface Subject {
  name: string;
  bureaus: string[];
  classCode: string;
  items: string[];
  share: Tri;
  open: Tri;
  domains: string[];
  cycle: string;
  format: string;
}

const s = (name: string, bureaus: string[], classCode: string, share: Tri, open: Tri, domains: string[], cycle: string, format: string, items: string): Subject => ({
  name,
  bureaus,
  classCode,
  share,
  open,
  domains,
  cycle,
  format,
  items: items.split(' '),
});

export const SUBJECTS: Subject[] = [
  s('企业登记信息', ['market', 'approval'], '102', 'unconditional', 'unconditional', ['enterprise_supervision'], 'daily', 'database', '统一社会信用代码 企业名称 企业类型 法定代表人 注册资本 成立日期 登记机关 经营范围 住所'),
  s('个体工商户登记信息', ['market'], '102', 'unconditional', 'conditional', ['enterprise_supervision'], 'daily', 'database', '统一社会信用代码 字号名称 经营者姓名 组成形式 经营场所 登记日期'),
  s('企业年度报告信息', ['market'], '102', 'unconditional', 'unconditional', ['enterprise_supervision'], 'yearly', 'database', '统一社会信用代码 企业名称 报告年度 从业人数 资产总额 营业总收入'),
  s('户籍人口基本信息', ['police'], '101', 'conditional', 'none', [], 'daily', 'database', '公民身份号码 姓名 性别 民族 出生日期 户籍地址 户号 与户主关系'),
  s('流动人口居住登记信息', ['police'], '101', 'conditional', 'none', [], 'daily', 'database', '公民身份号码 姓名 居住地址 登记日期 居住事由 有效期限'),
  s('出生医学证明信息', ['health'], '101', 'conditional', 'none', [], 'daily', 'database', '新生儿姓名 性别 出生时间 出生地点 母亲姓名 父亲姓名 签发机构'),
  s('不动产登记信息', ['land'], '103', 'conditional', 'none', [], 'daily', 'database', '不动产单元号 不动产权证书号 权利人 坐落 面积 用途 权利性质 登记时间'),
  s('土地利用现状数据', ['land'], '103', 'unconditional', 'conditional', ['geography'], 'yearly', 'image', '图斑编号 地类编码 地类名称 图斑面积 权属单位'),
  s('社会保险参保信息', ['hrss'], '203', 'conditional', 'none', [], 'monthly', 'database', '公民身份号码 姓名 险种类型 参保状态 参保日期 缴费基数 参保单位'),
  s('社会保障卡发放信息', ['hrss'], '203', 'conditional', 'none', [], 'daily', 'database', '社会保障卡号 姓名 发卡日期 卡片状态 发卡银行'),
  s('养老保险待遇发放信息', ['hrss'], '203', 'conditional', 'none', [], 'monthly', 'database', '姓名 待遇类型 发放金额 发放月份 发放状态'),
  s('就业登记信息', ['hrss'], '203', 'unconditional', 'none', ['employment'], 'monthly', 'database', '姓名 就业单位 就业形式 登记日期 劳动合同期限'),
  s('公交线路站点信息', ['transport'], '201', 'unconditional', 'unconditional', ['transport'], 'monthly', 'spreadsheet', '线路编号 线路名称 站点名称 站点序号 经度 纬度 首班时间 末班时间 票价'),
  s('道路运输经营许可信息', ['transport'], '201', 'unconditional', 'unconditional', ['transport'], 'daily', 'database', '许可证号 经营者名称 经营范围 有效期起 有效期止'),
  s('空气质量监测数据', ['env'], '211', 'unconditional', 'unconditional', ['environment'], 'realtime', 'service', '监测点位 监测时间 细颗粒物浓度 可吸入颗粒物浓度 二氧化硫浓度 臭氧浓度 空气质量指数 首要污染物'),
  s('地表水水质监测数据', ['env', 'water'], '211', 'unconditional', 'unconditional', ['environment'], 'monthly', 'spreadsheet', '断面名称 监测时间 水质类别 化学需氧量 氨氮 总磷'),
  s('排污许可信息', ['env'], '211', 'unconditional', 'unconditional', ['environment', 'credit'], 'irregular', 'database', '许可证编号 单位名称 行业类别 主要污染物 有效期限'),
  s('医疗机构名录', ['health'], '202', 'unconditional', 'unconditional', ['medical', 'health'], 'quarterly', 'spreadsheet', '机构名称 机构类别 医院等级 地址 床位数 联系电话 诊疗科目'),
  s('执业医师注册信息', ['health'], '202', 'unconditional', 'conditional', ['medical'], 'monthly', 'database', '姓名 执业类别 执业范围 执业地点 注册日期'),
  s('学校名录', ['edu'], '201', 'unconditional', 'unconditional', ['education'], 'yearly', 'spreadsheet', '学校名称 学校标识码 办学类型 举办者 地址 在校生人数 教职工人数'),
  s('学生学籍信息', ['edu'], '201', 'conditional', 'none', [], 'yearly', 'database', '学籍号 姓名 性别 学校名称 年级 班级 入学日期'),
  s('婚姻登记信息', ['civil'], '101', 'conditional', 'none', [], 'daily', 'database', '男方姓名 女方姓名 登记类型 登记日期 登记机关 结婚证字号'),
  s('最低生活保障对象信息', ['civil'], '203', 'conditional', 'none', [], 'monthly', 'database', '户主姓名 保障人数 保障金额 保障类别 审批日期'),
  s('社会组织登记信息', ['civil'], '102', 'unconditional', 'unconditional', ['credit'], 'monthly', 'database', '统一社会信用代码 社会组织名称 类型 业务主管单位 登记日期'),
  s('行政处罚信息', ['market', 'urban', 'env', 'emergency', 'tax', 'transport'], '104', 'unconditional', 'unconditional', ['credit'], 'daily', 'database', '行政处罚决定书文号 当事人名称 统一社会信用代码 违法行为类型 处罚依据 处罚内容 罚款金额 处罚决定日期 处罚机关'),
  s('行政许可信息', ['approval', 'market', 'housing', 'transport'], '104', 'unconditional', 'unconditional', ['credit'], 'daily', 'database', '行政许可决定文书号 许可类别 行政相对人名称 许可内容 许可决定日期 有效期 许可机关'),
  s('建设工程项目信息', ['housing', 'drc'], '209', 'unconditional', 'conditional', ['economy'], 'weekly', 'database', '项目编号 项目名称 建设单位 施工单位 监理单位 总投资 开工日期 竣工日期'),
  s('建筑工程施工许可信息', ['housing', 'approval'], '209', 'unconditional', 'unconditional', ['credit'], 'daily', 'database', '施工许可证编号 项目名称 建设单位 合同价格 建设规模 发证日期'),
  s('天气预报', ['weather'], '201', 'unconditional', 'unconditional', ['meteorology'], 'daily', 'service', '预报时间 预报区域 天气现象 最高气温 最低气温 风向 风力'),
  s('气象灾害预警信息', ['weather'], '212', 'unconditional', 'unconditional', ['meteorology', 'safety'], 'realtime', 'service', '预警类型 预警级别 发布时间 影响区域 防御指南'),
  s('住房公积金缴存信息', ['fund'], '203', 'conditional', 'none', [], 'monthly', 'database', '个人账号 姓名 缴存单位 缴存基数 月缴存额 账户余额'),
  s('食品经营许可信息', ['market'], '204', 'unconditional', 'unconditional', ['credit'], 'daily', 'database', '许可证编号 经营者名称 经营场所 主体业态 经营项目 有效期至'),
  s('安全生产事故信息', ['emergency'], '205', 'conditional', 'none', [], 'irregular', 'electronic_file', '事故名称 发生时间 发生地点 事故类型 伤亡人数 直接经济损失'),
  s('应急避难场所信息', ['emergency'], '212', 'unconditional', 'unconditional', ['safety'], 'yearly', 'spreadsheet', '场所名称 地址 面积 容纳人数 经度 纬度 管理单位'),
  s('重要商品价格监测信息', ['drc'], '206', 'unconditional', 'unconditional', ['economy'], 'weekly', 'spreadsheet', '商品名称 规格 计量单位 监测价格 监测日期 监测点'),
  s('纳税信用等级信息', ['tax'], '208', 'unconditional', 'unconditional', ['credit'], 'yearly', 'database', '纳税人识别号 纳税人名称 评价年度 信用等级'),
  s('城市网格划分信息', ['urban', 'civil'], '210', 'unconditional', 'none', [], 'quarterly', 'image', '网格编码 网格名称 所属社区 网格员 面积'),
  s('营业执照电子证照', ['market', 'approval'], '105', 'conditional', 'none', [], 'realtime', 'self_describing', '证照编号 统一社会信用代码 名称 法定代表人 发证日期 证照状态'),
  s('不动产权证书电子证照', ['land'], '105', 'conditional', 'none', [], 'realtime', 'self_describing', '证照编号 不动产权证书号 权利人 坐落 发证日期'),
  s('耕地保护责任信息', ['land', 'agri'], '103', 'unconditional', 'conditional', ['agriculture'], 'yearly', 'spreadsheet', '责任单位 耕地面积 永久基本农田面积 责任人'),
  s('农产品质量安全检测信息', ['agri'], '204', 'unconditional', 'unconditional', ['agriculture'], 'monthly', 'spreadsheet', '样品名称 抽样地点 检测项目 检测结果 检测日期'),
  s('河道水位监测数据', ['water'], '212', 'unconditional', 'unconditional', ['environment', 'safety'], 'realtime', 'service', '测站名称 河流名称 监测时间 水位 警戒水位 流量'),
  s('A级旅游景区名录', ['culture'], '201', 'unconditional', 'unconditional', ['culture'], 'quarterly', 'spreadsheet', '景区名称 等级 地址 开放时间 门票价格 联系电话'),
  s('国民经济主要指标', ['stats'], '206', 'unconditional', 'unconditional', ['statistics', 'economy'], 'monthly', 'spreadsheet', '指标名称 统计期 本期值 同比增长 计量单位'),
  s('财政预算执行情况', ['finance'], '206', 'unconditional', 'unconditional', ['finance'], 'monthly', 'spreadsheet', '科目编码 科目名称 预算数 执行数 执行进度'),
  s('医疗保险参保信息', ['medins'], '202', 'conditional', 'none', [], 'monthly', 'database', '公民身份号码 姓名 参保类型 参保状态 参保日期 缴费档次'),
  s('定点医药机构名录', ['medins'], '202', 'unconditional', 'unconditional', ['medical'], 'quarterly', 'spreadsheet', '机构编码 机构名称 机构类型 地址 定点类型 联系电话'),
  s('法律援助案件信息', ['justice'], '203', 'conditional', 'none', [], 'monthly', 'database', '案件编号 受援人姓名 案件类型 承办律师 结案日期'),
];

/** What follows the subject in a name; the empty string is the plain name, most common. */
export const NAME_SUFFIXES = ['', '', '', '', '统计表', '台账', '明细', '变更记录', '历史数据', '汇总', '（共享版）', '查询接口', '年度汇总'];
export const ITEM_EXTRAS = ['数据更新时间', '数据来源', '备注', '记录状态', '创建时间', '所属区划'];
export const PURPOSES = ['政务服务“一网通办”', '跨部门业务协同', '社会信用体系建设', '基层治理', '统计分析', '监管执法', '民生服务', '应急管理'];
export const CYCLE_WORDS: Record<string, string> = {
  realtime: '实时',
  daily: '每日',
  weekly: '每周',
  monthly: '每月',
  quarterly: '每季度',
  yearly: '每年',
  irregular: '不定期',
};
