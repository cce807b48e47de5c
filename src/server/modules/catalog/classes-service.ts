import type { AppContext } from '../../app-context';
import type { RowUpdate } from '../../db/types';
import { inTransaction } from '../../db/tx';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import { getDepartment } from '../org';
import * as enums from '../../../shared/catalog/enums';
import type { ClassLevel } from '../../../shared/catalog/enums';
import * as repo from './classes-repo';

/** 信息资源分类: 类 (1 digit) / 项 (+2) / 目 (+3) / 细目 (+1…6); a child's code extends its parent's. */
export interface CatalogClass {
  code: string;
  name: string;
  level: ClassLevel;
  parentCode: string | null;
  departmentId: string | null;
  departmentName: string | null;
  sort: number;
  status: 'active' | 'inactive';
}

const toClass = (r: repo.ClassRow): CatalogClass => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  departmentId: r.department_id,
  departmentName: r.department_name,
  sort: r.sort,
  status: r.status,
});

/** The level a code of this length belongs to, or null when no level has that length. */
export function levelOfCode(code: string): ClassLevel | null {
  if (!/^[1-3]\d*$/.test(code)) return null;
  if (code.length === 1) return 'class';
  if (code.length === 3) return 'item';
  if (code.length === 6) return 'category';
  if (code.length >= 7 && code.length <= 12) return 'subcategory';
  return null;
}

const CHILD_LEVEL: Record<ClassLevel, ClassLevel | null> = {
  class: 'item',
  item: 'category',
  category: 'subcategory',
  subcategory: null,
};
const CHILD_DIGITS: Record<ClassLevel, string> = { class: '2', item: '3', category: '1 to 6', subcategory: '' };

export async function listClasses(ctx: AppContext, status?: 'active' | 'inactive'): Promise<CatalogClass[]> {
  return (await repo.listClasses(ctx.db, status)).map(toClass);
}

export async function getClass(ctx: AppContext, code: string): Promise<CatalogClass> {
  const r = await repo.findClass(ctx.db, code);
  if (!r) throw notFound('Catalog class', '信息资源分类');
  return toClass(r);
}

export interface ClassInput {
  parentCode: string;
  code: string;
  name: string;
  sort?: number;
}

export async function createClass(ctx: AppContext, input: ClassInput): Promise<CatalogClass> {
  const parent = await repo.findClass(ctx.db, input.parentCode);
  if (!parent)
    throw badRequest(
      'CATALOG_CLASS_PARENT_NOT_FOUND',
      `Parent class ${input.parentCode} does not exist`,
      `上级分类${input.parentCode}不存在`,
      { field: 'parentCode' },
    );
  const level = CHILD_LEVEL[parent.level];
  if (!level)
    throw badRequest('CATALOG_CLASS_TOO_DEEP', 'A subcategory (细目) has no children', '细目下不能再设下级分类', {
      field: 'parentCode',
    });
  if (!input.code.startsWith(parent.code) || levelOfCode(input.code) !== level) {
    throw badRequest(
      'CATALOG_CLASS_CODE_INVALID',
      `A child of ${parent.code} is ${parent.code} followed by ${CHILD_DIGITS[parent.level]} digit(s)`,
      `“${parent.code}”的下级分类代码须为“${parent.code}”加${CHILD_DIGITS[parent.level].replace(' to ', '至')}位数字`,
      { field: 'code' },
    );
  }
  // 部门 items carry their department and come from department-items; below them, the department is inherited.
  if (parent.code === '3') {
    throw badRequest(
      'CATALOG_CLASS_DEPARTMENT_ITEM',
      'Items of the department class are created per department',
      '部门信息资源的“项”按部门生成，请使用“生成部门分类项”',
      { field: 'parentCode' },
    );
  }
  if (await repo.findClass(ctx.db, input.code))
    throw conflict('CATALOG_CLASS_EXISTS', `Class ${input.code} already exists`, `分类代码${input.code}已存在`);
  const name = requiredName(input.name);
  await repo.insertClass(ctx.db, {
    code: input.code,
    name,
    level,
    parent_code: parent.code,
    department_id: parent.department_id,
    sort: input.sort ?? 0,
  });
  return getClass(ctx, input.code);
}

export async function updateClass(
  ctx: AppContext,
  code: string,
  patch: { name?: string; sort?: number; status?: 'active' | 'inactive' },
): Promise<CatalogClass> {
  await getClass(ctx, code);
  const set: RowUpdate<'catalog_class'> = {};
  if (patch.name !== undefined) set.name = requiredName(patch.name);
  if (patch.sort !== undefined) set.sort = patch.sort;
  if (patch.status !== undefined) set.status = patch.status;
  if (Object.keys(set).length) await repo.updateClass(ctx.db, code, set);
  return getClass(ctx, code);
}

function requiredName(name: string) {
  const n = name.trim();
  if (!n) throw badRequest('CATALOG_CLASS_NAME_REQUIRED', 'Name is required', '请填写分类名称', { field: 'name' });
  return n;
}

/** The 部门 class's item for a department (3xx), if it has one. */
export async function findDepartmentItem(ctx: AppContext, departmentId: string): Promise<CatalogClass | null> {
  const r = await repo.departmentItem(ctx.db, departmentId);
  return r ? toClass(r) : null;
}

/** Creates the next free 3xx item named after the department; 409 when the department has one. */
export async function createDepartmentItem(ctx: AppContext, departmentId: string): Promise<CatalogClass> {
  const department = await getDepartment(ctx, departmentId);
  return inTransaction(ctx, async (db) => {
    const t = { ...ctx, db };
    if (await repo.departmentItem(db, departmentId)) {
      throw conflict(
        'CATALOG_DEPARTMENT_ITEM_EXISTS',
        `${department.name} already has its item in the department class`,
        `“${department.name}”已有部门信息资源分类项`,
      );
    }
    const taken = new Set(await repo.itemCodesUnder(db, '3'));
    let n = 1;
    while (n <= 99 && taken.has(`3${String(n).padStart(2, '0')}`)) n++;
    if (n > 99)
      throw new AppError(
        409,
        'CATALOG_DEPARTMENT_ITEMS_FULL',
        'All 99 department items (301–399) are used',
        '部门信息资源分类项（301–399）已用尽',
      );
    const code = `3${String(n).padStart(2, '0')}`;
    await repo.insertClass(db, {
      code,
      name: department.name,
      level: 'item',
      parent_code: '3',
      department_id: departmentId,
      sort: n,
    });
    return getClass(t, code);
  });
}

/** For seeds and imports: the department's item, created when missing. */
export async function ensureDepartmentItem(ctx: AppContext, departmentId: string): Promise<CatalogClass> {
  return (await findDepartmentItem(ctx, departmentId)) ?? createDepartmentItem(ctx, departmentId);
}

type Named = Record<string, { zh: string; en: string }>;
const list = (o: Named) => Object.entries(o).map(([code, n]) => ({ code, zh: n.zh, en: n.en }));

/** Every catalog enumeration as ordered {code, zh, en} lists, open domains from the table (admins may add). */
export async function catalogEnums(ctx: AppContext) {
  const domains = await repo.listOpenDomains(ctx.db);
  return {
    shareTypes: list(enums.SHARE_TYPES),
    openTypes: list(enums.OPEN_TYPES),
    shareMethods: list(enums.SHARE_METHODS),
    formatKinds: list(enums.FORMAT_KINDS),
    updateCycles: list(enums.UPDATE_CYCLES),
    dataTypes: list(enums.DATA_TYPES),
    sensitivities: list(enums.SENSITIVITIES),
    openDomains: domains.map((d) => ({ code: d.code, zh: d.name_zh, en: d.name_en })),
    versionStatuses: list(enums.VERSION_STATUSES),
    changeKinds: list(enums.CHANGE_KINDS),
    entryStatuses: list(enums.ENTRY_STATUSES),
    objectionKinds: list(enums.OBJECTION_KINDS),
    classLevels: list(enums.CLASS_LEVELS),
  };
}

export async function openDomainCodes(ctx: AppContext): Promise<Set<string>> {
  return new Set((await repo.listOpenDomains(ctx.db)).map((d) => d.code));
}
