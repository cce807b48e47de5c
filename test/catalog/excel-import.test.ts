import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, session } from './factory';
import {
  bigWorkbook,
  entryCount,
  entryRow,
  itemRow,
  runImport,
  upload,
  waitForImport,
  workbook,
} from './excel-helpers';
import type { ImportState } from '../../src/server/modules/catalog/excel-jobs';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

describe('Excel import (R-04)', () => {
  it('imports a 500-row workbook as 500 drafts of the uploader’s department, reporting progress', async () => {
    const dept = await catalogDepartment(t);
    const res = await upload(t, dept.specialist.headers, await bigWorkbook(500, '批量导入资源'));
    expect(res.statusCode).toBe(202);
    const seen = await waitForImport(t, dept.specialist.headers, res.json<ImportState>().importId);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({ status: 'done', total: 500, processed: 500 });
    expect(last.errors).toBeUndefined();
    expect(last.created).toHaveLength(500);
    // The bar moves while the drafts are created. PGlite has a single connection, which the import's
    // transaction holds, so there a poll waits for the import to end and sees only the outcome.
    if (t.ctx.dbKind === 'postgresql')
      expect(seen.some((s) => s.status === 'importing' && s.processed > 0 && s.processed < 500)).toBe(true);
    for (const phase of ['validating', 'importing']) {
      const processed = seen.filter((s) => s.status === phase).map((s) => s.processed);
      expect(processed).toEqual([...processed].sort((a, b) => a - b));
    }

    const rows = await t.ctx.db
      .selectFrom('catalog_entry as e')
      .innerJoin('catalog_entry_version as v', 'v.entry_id', 'e.id')
      .select(['e.code', 'e.status', 'v.status as version_status', 'v.name'])
      .where('e.provider_department_id', '=', dept.id)
      .execute();
    expect(rows).toHaveLength(500);
    expect(new Set(rows.map((r) => r.code)).size).toBe(500);
    expect(rows.every((r) => r.status === 'draft' && r.version_status === 'draft' && r.code.startsWith('102/'))).toBe(
      true,
    );
    expect(rows.map((r) => r.name)).toContain('批量导入资源500');
    const items = await t.ctx.db
      .selectFrom('catalog_data_item as i')
      .innerJoin('catalog_entry_version as v', 'v.id', 'i.version_id')
      .innerJoin('catalog_entry as e', 'e.id', 'v.entry_id')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('e.provider_department_id', '=', dept.id)
      .executeTakeFirstOrThrow();
    expect(Number(items.n)).toBe(1000);
  });

  it('reports every wrong row with its sheet, row and Chinese column, and imports nothing', async () => {
    const dept = await catalogDepartment(t);
    const entries = [1, 2, 3, 4, 5, 6].map(() => entryRow());
    entries[1] = entryRow({ 共享类型: '部分共享' }); // sheet row 3
    entries[5] = entryRow({ 共享类型: '有条件共享' }); // sheet row 7: no 共享条件 given
    const items = entries.map((_, k) => itemRow(k + 2));
    const last = await runImport(t, dept.specialist.headers, await workbook(entries, items));
    expect(last.status).toBe('failed');
    expect(last.created).toBeUndefined();
    expect(last.errors).toEqual([
      expect.objectContaining({
        sheet: '信息资源',
        row: 3,
        column: '共享类型',
        messageZh: expect.stringContaining('部分共享'),
      }),
      expect.objectContaining({
        sheet: '信息资源',
        row: 7,
        column: '共享条件/不予共享依据',
        messageZh: expect.stringContaining('依据'),
      }),
    ]);
    expect(await entryCount(t, dept.id)).toBe(0);
  });

  it('checks items, classes, names and formats on every row at once', async () => {
    const dept = await catalogDepartment(t);
    const entries = [
      entryRow({ 信息资源名称: '重复的名称' }),
      entryRow({ 信息资源名称: '重复的名称', 分类代码: '109' }),
      entryRow({ 开放属性: '无条件开放', 开放领域: '信用', 更新周期: 'monthly', 共享方式: 'api,库表' }),
    ];
    const items = [
      itemRow(2, { 数据类型: 'X' }),
      itemRow(3, { 字段名: 'Bad Name' }),
      itemRow(9),
      itemRow(4, { 敏感级别: '个人信息', 开放类型: '无条件开放' }),
      itemRow(4, { 数据类型: 'd', 长度: null }),
    ];
    const last = await runImport(t, dept.specialist.headers, await workbook(entries, items));
    expect(last.status).toBe('failed');
    const where = last.errors!.map((e) => `${e.sheet}!${e.row}:${e.column}`);
    expect(where).toEqual([
      '信息资源!3:分类代码',
      '信息资源!3:信息资源名称',
      '信息项!2:数据类型',
      '信息项!3:字段名',
      '信息项!4:资源序号',
      '信息项!5:脱敏规则',
    ]);
    expect(last.errors!.find((e) => e.row === 3 && e.column === '信息资源名称')!.messageZh).toContain('第2行');
    expect(last.errors!.every((e) => e.message && e.messageZh)).toBe(true);
    expect(await entryCount(t, dept.id)).toBe(0);
  });

  it('rolls everything back when the database fails half-way, and hands out no code', async () => {
    const dept = await catalogDepartment(t);
    // A fault injected into the database: the third draft cannot be stored.
    await sql`create or replace function excel_test_fail() returns trigger language plpgsql as $$
      begin if new.name = '第三条会失败' then raise exception 'injected failure'; end if; return new; end $$`.execute(
      t.ctx.db,
    );
    await sql`create trigger excel_test_fail before insert on catalog_entry_version for each row execute function excel_test_fail()`.execute(
      t.ctx.db,
    );
    try {
      const seqBefore = await t.ctx.db
        .selectFrom('catalog_code_seq')
        .selectAll()
        .where('prefix', '=', '103')
        .executeTakeFirst();
      const entries = [
        entryRow({ 分类代码: '103' }),
        entryRow({ 分类代码: '103' }),
        entryRow({ 分类代码: '103', 信息资源名称: '第三条会失败' }),
        entryRow({ 分类代码: '103' }),
      ];
      const last = await runImport(
        t,
        dept.specialist.headers,
        await workbook(
          entries,
          entries.map((_, k) => itemRow(k + 2)),
        ),
      );
      expect(last).toMatchObject({ status: 'failed', error: { code: 'INTERNAL' } });
      expect(last.created).toBeUndefined();
      expect(await entryCount(t, dept.id)).toBe(0);
      expect(
        await t.ctx.db.selectFrom('catalog_code_seq').selectAll().where('prefix', '=', '103').executeTakeFirst(),
      ).toEqual(seqBefore);
    } finally {
      await sql`drop trigger excel_test_fail on catalog_entry_version`.execute(t.ctx.db);
    }
  });

  it('refuses what is not an .xlsx, whatever its name, and a request without a file', async () => {
    const dept = await catalogDepartment(t);
    const fake = await upload(
      t,
      dept.specialist.headers,
      Buffer.from('信息资源名称,摘要\n企业登记信息,测试\n'),
      'catalog.xlsx',
      'text/csv',
    );
    expect(fake.statusCode).toBe(415);
    expect(fake.json().error).toMatchObject({ code: 'EXCEL_NOT_XLSX', messageZh: expect.stringContaining('xlsx') });
    const none = await t.inject({
      method: 'POST',
      url: '/api/catalog/excel/import',
      headers: dept.specialist.headers,
      payload: { x: 1 },
    });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.code).toBe('EXCEL_FILE_REQUIRED');
  });

  it('reports a zip that is not a workbook as unreadable', async () => {
    const dept = await catalogDepartment(t);
    // A zip archive's magic number with garbage behind it.
    const last = await runImport(
      t,
      dept.specialist.headers,
      Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(200, 7)]),
    );
    expect(last).toMatchObject({ status: 'failed', error: { code: 'EXCEL_UNREADABLE' } });
  });

  it('takes files up to 10 MB (beyond the API’s 2 MB body limit) and refuses larger ones', async () => {
    const dept = await catalogDepartment(t);
    const zipOf = (bytes: number) => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(bytes)]);
    const fits = await upload(t, dept.specialist.headers, zipOf(6 * 1024 * 1024));
    expect(fits.statusCode).toBe(202);
    await waitForImport(t, dept.specialist.headers, fits.json<ImportState>().importId);
    const big = await upload(t, dept.specialist.headers, zipOf(10 * 1024 * 1024 + 10));
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('UPLOAD_TOO_LARGE');
  });

  it('shows an import only to the person who uploaded it', async () => {
    const dept = await catalogDepartment(t);
    const res = await upload(t, dept.specialist.headers, await workbook([entryRow()], [itemRow(2)]));
    const { importId } = res.json<ImportState>();
    await waitForImport(t, dept.specialist.headers, importId);
    const colleague = await session(t, ['dept_specialist'], { departmentId: dept.id });
    expect(
      (await t.inject({ method: 'GET', url: `/api/catalog/excel/imports/${importId}`, headers: colleague.headers }))
        .statusCode,
    ).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['action', 'outcome', 'row_count'])
      .where('target_id', '=', importId)
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { action: 'catalog.excel.import', outcome: 'success', row_count: null },
      { action: 'catalog.excel.import.finish', outcome: 'success', row_count: 1 },
    ]);
  });
});
