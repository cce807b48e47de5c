import type { AppContext } from '../../app-context';
import type { DepartmentKind, RowUpdate } from '../../db/types';
import { badRequest, conflict, notFound } from '../../platform/errors';
import { CREDIT_CODE_MESSAGES, creditCodeProblem, normaliseCreditCode } from '../../../shared/org/credit-code';
import * as repo from './departments-repo';
import { findRegion } from './regions-repo';
import type { Department } from './schemas';

export const toDepartment = (r: repo.DepartmentRow): Department => ({
  id: r.id,
  creditCode: r.credit_code,
  name: r.name,
  shortName: r.short_name,
  kind: r.kind,
  regionCode: r.region_code,
  regionName: r.region_name,
  parentId: r.parent_id,
  parentName: r.parent_name,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export async function listDepartments(ctx: AppContext, filter: repo.DepartmentFilter, limit: number, offset: number) {
  const q = filter.q?.trim();
  const { rows, total } = await repo.listDepartments(ctx.db, { ...filter, q: q || undefined }, limit, offset);
  return { items: rows.map(toDepartment), total };
}

/** How many departments exist (the demo seed fills only an empty database). */
export const countDepartments = (ctx: AppContext) => repo.countDepartments(ctx.db);

export async function getDepartment(ctx: AppContext, id: string): Promise<Department> {
  const row = await repo.findDepartment(ctx.db, id);
  if (!row) throw notFound('Department', '部门');
  return toDepartment(row);
}

function checkedCreditCode(raw: string): string {
  const code = normaliseCreditCode(raw);
  const problem = creditCodeProblem(code);
  if (problem) {
    const [en, zh] = CREDIT_CODE_MESSAGES[problem];
    throw badRequest('CREDIT_CODE_INVALID', en, zh, { field: 'creditCode', problem });
  }
  return code;
}

async function checkUnique(
  ctx: AppContext,
  id: string | null,
  name: string | undefined,
  creditCode: string | undefined,
) {
  if (name !== undefined) {
    const other = await repo.findByName(ctx.db, name);
    if (other && other.id !== id)
      throw conflict('DEPARTMENT_NAME_TAKEN', `A department named ${name} already exists`, `部门名称“${name}”已存在`);
  }
  if (creditCode !== undefined) {
    const other = await repo.findByCreditCode(ctx.db, creditCode);
    if (other && other.id !== id) {
      throw conflict(
        'CREDIT_CODE_TAKEN',
        `Credit code ${creditCode} is already used by ${other.name}`,
        `统一社会信用代码${creditCode}已被“${other.name}”使用`,
      );
    }
  }
}

async function checkRegion(ctx: AppContext, code: string) {
  if (!(await findRegion(ctx.db, code)))
    throw badRequest('REGION_NOT_FOUND', `Region ${code} does not exist`, `行政区划${code}不存在`, {
      field: 'regionCode',
    });
}

/** The parent must exist and must not be the department itself or one of its descendants. */
async function checkParent(ctx: AppContext, id: string | null, parentId: string) {
  if (!(await repo.findDepartment(ctx.db, parentId))) {
    throw badRequest('DEPARTMENT_PARENT_NOT_FOUND', 'The parent department does not exist', '上级部门不存在', {
      field: 'parentId',
    });
  }
  if (id && (await repo.selfAndAncestorIds(ctx.db, parentId)).includes(id)) {
    throw badRequest(
      'DEPARTMENT_PARENT_CYCLE',
      'A department cannot be placed under itself or its own sub-department',
      '不能将部门设为其自身或其下级部门的下级',
      { field: 'parentId' },
    );
  }
}

const requiredName = (name: string) => {
  const n = name.trim();
  if (!n) throw badRequest('DEPARTMENT_NAME_REQUIRED', 'Name is required', '请填写部门名称', { field: 'name' });
  return n;
};

const optionalText = (s: string | null | undefined) => (s === undefined ? undefined : s?.trim() || null);

export interface DepartmentInput {
  creditCode: string;
  name: string;
  shortName?: string | null;
  kind: DepartmentKind;
  regionCode: string;
  parentId?: string | null;
}

export async function createDepartment(ctx: AppContext, input: DepartmentInput): Promise<Department> {
  const creditCode = checkedCreditCode(input.creditCode);
  const name = requiredName(input.name);
  await checkUnique(ctx, null, name, creditCode);
  await checkRegion(ctx, input.regionCode);
  if (input.parentId) await checkParent(ctx, null, input.parentId);
  const now = ctx.clock.now();
  const id = await repo.insertDepartment(ctx.db, {
    credit_code: creditCode,
    name,
    short_name: optionalText(input.shortName) ?? null,
    kind: input.kind,
    region_code: input.regionCode,
    parent_id: input.parentId ?? null,
    created_at: now,
    updated_at: now,
  });
  return getDepartment(ctx, id);
}

export interface DepartmentPatch {
  creditCode?: string;
  name?: string;
  shortName?: string | null;
  kind?: DepartmentKind;
  regionCode?: string;
  parentId?: string | null;
  status?: 'active' | 'inactive';
}

/** Departments are never deleted (catalog entries, grants and audit rows point at them); they go inactive. */
export async function updateDepartment(ctx: AppContext, id: string, patch: DepartmentPatch): Promise<Department> {
  const current = await repo.findDepartment(ctx.db, id);
  if (!current) throw notFound('Department', '部门');
  const creditCode = patch.creditCode !== undefined ? checkedCreditCode(patch.creditCode) : undefined;
  const name = patch.name !== undefined ? requiredName(patch.name) : undefined;
  await checkUnique(ctx, id, name, creditCode);
  if (patch.regionCode !== undefined) await checkRegion(ctx, patch.regionCode);
  if (patch.parentId) await checkParent(ctx, id, patch.parentId);
  const set: RowUpdate<'department'> = { updated_at: ctx.clock.now() };
  if (creditCode !== undefined) set.credit_code = creditCode;
  if (name !== undefined) set.name = name;
  if (patch.shortName !== undefined) set.short_name = optionalText(patch.shortName);
  if (patch.kind !== undefined) set.kind = patch.kind;
  if (patch.regionCode !== undefined) set.region_code = patch.regionCode;
  if (patch.parentId !== undefined) set.parent_id = patch.parentId;
  if (patch.status !== undefined) set.status = patch.status;
  await repo.updateDepartment(ctx.db, id, set);
  return getDepartment(ctx, id);
}
