import type { AppContext } from '../../app-context';
import type { Row } from '../../db/types';
import { AppError, badRequest, conflict, notFound } from '../../platform/errors';
import * as repo from './regions-repo';
import type { Region } from './schemas';

type Level = Region['level'];

/** Which levels a region of each level may hang under; zones sit under a city or a county. */
const PARENT_LEVELS: Record<Level, readonly Level[]> = {
  province: [],
  city: ['province'],
  county: ['city'],
  zone: ['city', 'county'],
};

const LEVEL_ZH: Record<Level, string> = { province: '省级', city: '市级', county: '县级', zone: '功能区' };

export const toRegion = (r: Row<'region'>): Region => ({
  code: r.code,
  name: r.name,
  level: r.level,
  parentCode: r.parent_code,
  sort: r.sort,
});

export async function listRegions(ctx: AppContext): Promise<Region[]> {
  return (await repo.listRegions(ctx.db)).map(toRegion);
}

/**
 * GB/T 2260 codes nest: a city shares its province's first 2 digits and ends in 00, a county or zone
 * shares its parent's first 4. Checking that catches mistyped codes and parents before they land.
 */
async function checkPlacement(ctx: AppContext, code: string, level: Level, parentCode: string | null): Promise<void> {
  if (level === 'province') {
    if (parentCode)
      throw badRequest('REGION_PARENT_INVALID', 'A province has no parent region', '省级区划不能有上级区划', {
        field: 'parentCode',
      });
    if (!code.endsWith('0000'))
      throw badRequest('REGION_CODE_INVALID', 'A province code ends in 0000', '省级区划代码应以0000结尾', {
        field: 'code',
      });
    return;
  }
  if (!parentCode)
    throw badRequest(
      'REGION_PARENT_REQUIRED',
      `A ${level} region needs a parent region`,
      `${LEVEL_ZH[level]}区划须指定上级区划`,
      { field: 'parentCode' },
    );
  const parent = await repo.findRegion(ctx.db, parentCode);
  if (!parent)
    throw badRequest(
      'REGION_PARENT_NOT_FOUND',
      `Parent region ${parentCode} does not exist`,
      `上级区划${parentCode}不存在`,
      { field: 'parentCode' },
    );
  if (!PARENT_LEVELS[level].includes(parent.level)) {
    throw badRequest(
      'REGION_LEVEL_INVALID',
      `A ${level} region cannot be placed under a ${parent.level} region`,
      `${LEVEL_ZH[level]}区划不能隶属于${LEVEL_ZH[parent.level]}区划“${parent.name}”`,
      { field: 'level' },
    );
  }
  const prefixOk =
    level === 'city'
      ? code.endsWith('00') && code.slice(0, 2) === parentCode.slice(0, 2)
      : !code.endsWith('00') && code.slice(0, 4) === parentCode.slice(0, 4);
  if (!prefixOk) {
    throw badRequest(
      'REGION_CODE_INVALID',
      `Code ${code} does not fit under ${parentCode} (GB/T 2260 codes share their parent's prefix)`,
      `区划代码${code}与上级区划${parentCode}不匹配（应沿用上级区划代码的前${level === 'city' ? 2 : 4}位）`,
      { field: 'code' },
    );
  }
}

export interface RegionInput {
  code: string;
  name: string;
  level: Level;
  parentCode?: string | null;
  sort?: number;
}

export async function createRegion(ctx: AppContext, input: RegionInput): Promise<Region> {
  const name = input.name.trim();
  if (!name) throw badRequest('REGION_NAME_REQUIRED', 'Name is required', '请填写区划名称', { field: 'name' });
  if (await repo.findRegion(ctx.db, input.code))
    throw conflict('REGION_EXISTS', `Region ${input.code} already exists`, `区划代码${input.code}已存在`);
  await checkPlacement(ctx, input.code, input.level, input.parentCode ?? null);
  const row = await repo.insertRegion(ctx.db, {
    code: input.code,
    name,
    level: input.level,
    parent_code: input.parentCode ?? null,
    sort: input.sort ?? 0,
  });
  return toRegion(row);
}

export interface RegionPatch {
  name?: string;
  level?: Level;
  parentCode?: string | null;
  sort?: number;
}

export async function updateRegion(ctx: AppContext, code: string, patch: RegionPatch): Promise<Region> {
  const current = await repo.findRegion(ctx.db, code);
  if (!current) throw notFound('Region', '行政区划');
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name)
    throw badRequest('REGION_NAME_REQUIRED', 'Name is required', '请填写区划名称', { field: 'name' });
  const level = patch.level ?? current.level;
  const parentCode = patch.parentCode !== undefined ? patch.parentCode : current.parent_code;
  if (level !== current.level && (await repo.hasChildRegions(ctx.db, code))) {
    throw new AppError(
      409,
      'REGION_HAS_CHILDREN',
      'The level of a region with subordinate regions cannot change',
      '该区划下有下级区划，不能修改其级别',
      { field: 'level' },
    );
  }
  if (level !== current.level || parentCode !== current.parent_code) await checkPlacement(ctx, code, level, parentCode);
  const row = await repo.updateRegion(ctx.db, code, {
    ...(name !== undefined ? { name } : {}),
    ...(patch.sort !== undefined ? { sort: patch.sort } : {}),
    level,
    parent_code: parentCode,
  });
  return toRegion(row);
}
