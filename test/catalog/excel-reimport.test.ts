import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, draftEntry, expectStatus, item, publishedEntry, type CatalogDepartment } from './factory';
import { entryCount, entryRow, itemRow, runImport, workbook } from './excel-helpers';
import type { EntryDetail } from '../../src/server/modules/catalog/entries-schemas';

let t: TestApp;
beforeAll(async () => {
  t = await testApp();
});
afterAll(() => t.close());

let n = 0;
const uniqueName = (what: string) => `${what}${process.pid}-${++n}`;

/** A draft of class 102 (the class the workbook rows use), as a specialist would have saved it by hand. */
async function draft(provider: CatalogDepartment, name: string, over: Parameters<typeof draftEntry>[1] = {}) {
  const { entry, version } = await draftEntry(t, {
    provider,
    classCode: '102',
    name,
    summary: '手工录入的摘要',
    providerOffice: '数据科',
    items: [item({ name: '旧信息项', fieldName: 'old_field' })],
    ...over,
  });
  return { entryId: entry.id, code: entry.code, versionId: version.id };
}

async function entry(provider: CatalogDepartment, id: string): Promise<EntryDetail> {
  return expectStatus(
    await t.inject({ method: 'GET', url: `/api/catalog/entries/${id}`, headers: provider.specialist.headers }),
    200,
  ).json<EntryDetail>();
}

describe('re-importing rows named like the department’s drafts', () => {
  it('refuses them by default, row by row, and imports nothing', async () => {
    const dept = await catalogDepartment(t);
    const a = uniqueName('企业登记信息');
    const b = uniqueName('个体户登记信息');
    const existing = await draft(dept, a);
    const returned = await draft(dept, b);
    const file = await workbook(
      [entryRow({ 信息资源名称: uniqueName('新资源') }), entryRow({ 信息资源名称: a }), entryRow({ 信息资源名称: b })],
      [itemRow(2), itemRow(3), itemRow(4)],
    );
    const before = await entryCount(t, dept.id);

    const last = await runImport(t, dept.specialist.headers, file);
    expect(last.status).toBe('failed');
    expect(last.errors).toEqual([
      {
        sheet: '信息资源',
        row: 3,
        column: '信息资源名称',
        message: `Row 3: a draft named "${a}" already exists (${existing.code}); not imported`,
        messageZh: `第 3 行：已有同名草稿“${a}”（${existing.code}），未导入`,
      },
      expect.objectContaining({ row: 4, messageZh: `第 4 行：已有同名草稿“${b}”（${returned.code}），未导入` }),
    ]);
    expect(last.created).toBeUndefined();
    expect(await entryCount(t, dept.id)).toBe(before);
    expect((await entry(dept, existing.entryId)).pending).toMatchObject({ summary: '手工录入的摘要' });

    // Asked for explicitly, the answer is the same.
    expect((await runImport(t, dept.specialist.headers, file, 'refuse')).errors).toHaveLength(2);
  });

  it('updates them when asked: the row becomes the draft’s content, new rows become new drafts', async () => {
    const dept = await catalogDepartment(t);
    const a = uniqueName('企业登记信息');
    const b = uniqueName('个体户登记信息');
    const c = uniqueName('新资源');
    const plain = await draft(dept, a);
    const returned = await draft(dept, b);
    expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/catalog/versions/${returned.versionId}/submit`,
        headers: dept.specialist.headers,
      }),
      200,
    );
    expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/catalog/versions/${returned.versionId}/dept-review`,
        headers: dept.leader.headers,
        payload: { decision: 'reject', reason: '摘要过于简单' },
      }),
      200,
    );
    const before = await entryCount(t, dept.id);

    const last = await runImport(
      t,
      dept.specialist.headers,
      await workbook(
        [
          entryRow({ 信息资源名称: a, 摘要: '按新模板重新整理的摘要' }),
          entryRow({ 信息资源名称: c }),
          entryRow({ 信息资源名称: b, 共享类型: '有条件共享', '共享条件/不予共享依据': '仅向执法部门共享' }),
        ],
        [
          itemRow(2, { 信息项名称: '统一社会信用代码', 字段名: 'uscc', 长度: 18 }),
          itemRow(2, { 信息项名称: '企业名称', 字段名: 'company_name' }),
          itemRow(3),
          itemRow(4),
        ],
      ),
      'update',
    );
    expect(last).toMatchObject({ status: 'done', total: 3, processed: 3 });
    expect(last.updated).toEqual([
      { entryId: plain.entryId, code: plain.code, name: a },
      { entryId: returned.entryId, code: returned.code, name: b },
    ]);
    expect(last.created).toEqual([expect.objectContaining({ name: c })]);
    expect(await entryCount(t, dept.id)).toBe(before + 1);

    const updated = await entry(dept, plain.entryId);
    expect(updated.code).toBe(plain.code);
    expect(updated.pending).toMatchObject({
      id: plain.versionId,
      status: 'draft',
      summary: '按新模板重新整理的摘要',
      // Left empty in the row: cleared, as in a draft made from the row.
      providerOffice: null,
    });
    expect(updated.pending!.items.map((i) => i.fieldName)).toEqual(['uscc', 'company_name']);
    // A returned draft stays returned (its reason in view) until it is submitted again.
    expect((await entry(dept, returned.entryId)).pending).toMatchObject({
      status: 'rejected',
      shareType: 'conditional',
      shareCondition: '仅向执法部门共享',
    });

    const audit = await t.ctx.db
      .selectFrom('audit_event')
      .select(['detail', 'row_count'])
      .where('action', '=', 'catalog.excel.import.finish')
      .where('target_id', '=', last.importId)
      .executeTakeFirstOrThrow();
    expect(audit.row_count).toBe(3);
    expect(audit.detail).toMatchObject({ created: 1, updated: 2 });
  });

  it('refuses rows it cannot update: a draft in review, two drafts of one name, another class', async () => {
    const dept = await catalogDepartment(t);
    const inReview = uniqueName('审核中的资源');
    const twice = uniqueName('重复草稿');
    const otherClass = uniqueName('人口类资源');
    const reviewed = await draft(dept, inReview);
    expectStatus(
      await t.inject({
        method: 'POST',
        url: `/api/catalog/versions/${reviewed.versionId}/submit`,
        headers: dept.specialist.headers,
      }),
      200,
    );
    const first = await draft(dept, twice);
    const second = await draft(dept, twice);
    const population = await draft(dept, otherClass, { classCode: '101' });
    const before = await entryCount(t, dept.id);

    const last = await runImport(
      t,
      dept.specialist.headers,
      await workbook(
        [
          entryRow({ 信息资源名称: inReview }),
          entryRow({ 信息资源名称: twice }),
          entryRow({ 信息资源名称: otherClass }),
        ],
        [itemRow(2), itemRow(3), itemRow(4)],
      ),
      'update',
    );
    expect(last.status).toBe('failed');
    expect(last.errors!.map((e) => [e.row, e.column, e.messageZh])).toEqual([
      [2, '信息资源名称', `第 2 行：同名草稿“${inReview}”（${reviewed.code}）部门审核中，不能更新，未导入`],
      [
        3,
        '信息资源名称',
        `第 3 行：已有 2 条同名草稿“${twice}”（${first.code}、${second.code}），无法确定更新哪一条，未导入`,
      ],
      [
        4,
        '分类代码',
        `第 4 行：同名草稿“${otherClass}”的分类为 101，信息资源代码 ${population.code} 已按分类生成，分类不能更改，未导入`,
      ],
    ]);
    expect(await entryCount(t, dept.id)).toBe(before);
  });

  it.each(['refuse', 'update'] as const)(
    'leaves published entries and other departments’ drafts alone (%s): such rows become new drafts, as before',
    async (duplicates) => {
      const dept = await catalogDepartment(t);
      const other = await catalogDepartment(t);
      const publishedName = uniqueName('已发布资源');
      const othersName = uniqueName('别的部门的草稿');
      const published = await publishedEntry(t, { provider: dept, classCode: '102', name: publishedName });
      await draft(other, othersName);
      const before = await entryCount(t, dept.id);

      const last = await runImport(
        t,
        dept.specialist.headers,
        await workbook(
          [entryRow({ 信息资源名称: publishedName }), entryRow({ 信息资源名称: othersName })],
          [itemRow(2), itemRow(3)],
        ),
        duplicates,
      );
      expect(last.status, JSON.stringify(last.errors)).toBe('done');
      expect(last.updated).toBeUndefined();
      expect(last.created!.map((c) => c.name)).toEqual([publishedName, othersName]);
      expect(last.created![0]!.entryId).not.toBe(published.entry.id);
      expect(await entryCount(t, dept.id)).toBe(before + 2);
      expect((await entry(dept, published.entry.id)).current).toMatchObject({
        name: publishedName,
        status: 'published',
      });
    },
  );

  it('refuses an unknown choice', async () => {
    const dept = await catalogDepartment(t);
    const res = await t.inject({
      method: 'POST',
      url: '/api/catalog/excel/import?duplicates=overwrite',
      headers: { ...dept.specialist.headers, 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x--\r\n',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });
});
