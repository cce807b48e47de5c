import type { DepartmentKind } from '../db/types';
import { completeCreditCode } from '../../shared/org/credit-code';

/**
 * Shangrao demo departments. Names are realistic; credit codes are synthetic (never copy a real one):
 * registration prefix + the department's region + "MB" + a counter, completed with both check characters.
 */
export interface DemoDepartment {
  name: string;
  shortName: string | null;
  kind: DepartmentKind;
  regionCode: string;
  /** Name of the parent department, if any. */
  parent?: string;
}

export const OPERATOR = '上饶市大数据发展管理局';
export const SCJ = '上饶市市场监督管理局';
export const RSJ = '上饶市人力资源和社会保障局';
export const GAJ = '上饶市公安局';
export const BDC = '上饶市不动产登记中心';

const d = (
  name: string,
  shortName: string | null,
  kind: DepartmentKind,
  regionCode = '361100',
  parent?: string,
): DemoDepartment => ({ name, shortName, kind, regionCode, parent });

export const DEMO_DEPARTMENTS: DemoDepartment[] = [
  d(OPERATOR, '市大数据局', 'government'),
  d(SCJ, '市市场监管局', 'government'),
  d('上饶市公安局', '市公安局', 'government'),
  d(RSJ, '市人社局', 'government'),
  d('上饶市自然资源局', '市自然资源局', 'government'),
  d('上饶市生态环境局', '市生态环境局', 'government'),
  d('上饶市卫生健康委员会', '市卫健委', 'government'),
  d('上饶市教育局', '市教育局', 'government'),
  d('上饶市民政局', '市民政局', 'government'),
  d('上饶市交通运输局', '市交通运输局', 'government'),
  d('上饶市住房和城乡建设局', '市住建局', 'government'),
  d('上饶市医疗保障局', '市医保局', 'government'),
  d('上饶市税务局', '市税务局', 'government'),
  d('上饶市气象局', '市气象局', 'institution'),
  d('上饶市不动产登记中心', null, 'institution', '361100', '上饶市自然资源局'),
  d('上饶市公共资源交易中心', null, 'institution'),
  d('上饶市慈善总会', null, 'social_organisation'),
  d('信州区市场监督管理局', '信州区市场监管局', 'government', '361102'),
  d('广丰区人力资源和社会保障局', '广丰区人社局', 'government', '361103'),
  d('鄱阳县农业农村局', '鄱阳县农业农村局', 'government', '361128'),
  d('婺源县文化广电新闻出版旅游局', '婺源县文广新旅局', 'government', '361130'),
  d('上饶经济技术开发区管理委员会', '经开区管委会', 'government', '361171'),
  d('上饶市供水集团有限公司', '市供水集团', 'public_enterprise'),
  d('国网上饶供电公司', '上饶供电公司', 'public_enterprise'),
  d('上饶市公共交通集团有限公司', '市公交集团', 'public_enterprise'),
];

/** GB 32100 登记管理部门码 + 机构类别码: 11 机关, 12 事业单位, 51 社会团体, 91 企业. */
const REGISTRATION: Record<DepartmentKind, string> = {
  government: '11',
  institution: '12',
  social_organisation: '51',
  public_enterprise: '91',
};

export function demoCreditCode(dept: DemoDepartment, index: number): string {
  return completeCreditCode(REGISTRATION[dept.kind] + dept.regionCode, `MB${String(index + 1).padStart(6, '0')}`);
}
