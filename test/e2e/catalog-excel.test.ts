import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { countCalls, expectCall, inputOf, rowsWith } from './ui';
import { entryRow, itemRow, workbook, XLSX } from '../catalog/excel-helpers';

const tag = () => String(Date.now() % 1_000_000).padStart(6, '0');

describeBrowser('catalog Excel in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('lists a wrong file by row and column and imports nothing, then imports a correct file as drafts', async () => {
    const t = tag();
    const good = `进口冷链食品追溯信息${t}`;
    const bad = `网络交易监测信息${t}`;
    // Row 3 is 有条件共享 without its basis; row 2 alone would be fine.
    const wrong = await workbook(
      [entryRow({ 信息资源名称: good }), entryRow({ 信息资源名称: bad, 共享类型: '有条件共享' })],
      [itemRow(2), itemRow(3)],
    );

    const page = await e2e.login('scj_zy');
    await page.getByTestId('menu-catalog-mine').click();
    await page.getByTestId('mine-table').waitFor();
    await page.getByTestId('catalog-import').click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-file').setInputFiles({ name: '目录.xlsx', mimeType: XLSX, buffer: wrong });
    await expectCall(page, 'POST', '/api/catalog/excel/import', () => dialog.getByTestId('import-start').click());
    await dialog.getByTestId('import-failed').waitFor();
    const problems = rowsWith(page, 'import-problems', '共享条件/不予共享依据');
    await expect.poll(() => problems.count()).toBe(1);
    const cells = await problems.locator('td').allInnerTexts();
    expect(cells.slice(0, 3)).toEqual(['信息资源', '3', '共享条件/不予共享依据']);
    expect(cells[3]).toContain('依据');
    await maybeScreenshot(page, 'catalog-import-failed');
    const none = await e2e.ctx.db
      .selectFrom('catalog_entry_version')
      .select('id')
      .where('name', 'in', [good, bad])
      .execute();
    expect(none).toEqual([]);

    const right = await workbook(
      [
        entryRow({ 信息资源名称: good }),
        entryRow({
          信息资源名称: bad,
          共享类型: '有条件共享',
          '共享条件/不予共享依据': '依据《网络交易监督管理办法》第三十五条，仅向执法部门共享',
        }),
      ],
      [itemRow(2), itemRow(3)],
    );
    await dialog.getByTestId('import-file').setInputFiles({ name: '目录.xlsx', mimeType: XLSX, buffer: right });
    await dialog.getByTestId('import-start').click();
    await dialog.getByTestId('import-ok').waitFor({ timeout: 60_000 });
    expect(await dialog.getByTestId('import-ok').innerText()).toContain('共导入 2 条');
    await maybeScreenshot(page, 'catalog-import-ok');
    await dialog.locator('.el-dialog__headerbtn').click();

    await inputOf(page, 'mine-search').fill(t);
    await expectCall(page, 'GET', '/api/catalog/mine', () => page.getByTestId('mine-search-submit').click());
    await expect.poll(() => rowsWith(page, 'mine-table', good).innerText()).toContain('草稿');
    expect(await rowsWith(page, 'mine-table', bad).innerText()).toContain('草稿');
    await page.context().close();
  });

  it('refuses a file over the limit before sending it, and lets the user choose what a re-import does to drafts', async () => {
    const t = tag();
    const first = `食品经营许可信息${t}`;
    const second = `特种设备登记信息${t}`;
    const page = await e2e.login('scj_zy');
    await page.getByTestId('menu-catalog-mine').click();
    await page.getByTestId('mine-table').waitFor();
    await page.getByTestId('catalog-import').click();
    const dialog = page.getByTestId('import-dialog');
    const uploads = countCalls(page, 'POST', '/api/catalog/excel/import');

    // 10 MB and one byte: refused on picking, with the limit named; pressing import sends nothing.
    const huge = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(10 * 1024 * 1024 - 3)]);
    await dialog.getByTestId('import-file').setInputFiles({ name: '大目录.xlsx', mimeType: XLSX, buffer: huge });
    await expect
      .poll(() => dialog.getByTestId('import-file-error').innerText())
      .toBe('文件超过 10 MB 上限，请拆分后分批导入');
    await dialog.getByTestId('import-start').click();
    expect(await dialog.getByTestId('import-file-error').innerText()).toContain('10 MB');
    expect(uploads()).toBe(0);

    const file = await workbook(
      [entryRow({ 信息资源名称: first }), entryRow({ 信息资源名称: second })],
      [itemRow(2), itemRow(3)],
    );
    await dialog.getByTestId('import-file').setInputFiles({ name: '目录.xlsx', mimeType: XLSX, buffer: file });
    await dialog.getByTestId('import-start').click();
    await dialog.getByTestId('import-ok').waitFor({ timeout: 60_000 });

    // The same file again: by default its rows are refused, each named.
    await dialog.getByTestId('import-file').setInputFiles({ name: '目录.xlsx', mimeType: XLSX, buffer: file });
    expect(await dialog.getByTestId('import-duplicates-hint').innerText()).toContain('逐行列为错误');
    await expectCall(
      page,
      'POST',
      '/api/catalog/excel/import',
      () => dialog.getByTestId('import-start').click(),
      (url) => url.searchParams.get('duplicates') === 'refuse',
    );
    await dialog.getByTestId('import-failed').waitFor();
    const refused = rowsWith(page, 'import-problems', first);
    await expect.poll(() => refused.count()).toBe(1);
    expect(await refused.innerText()).toContain(`第 2 行：已有同名草稿“${first}”`);
    await maybeScreenshot(page, 'catalog-reimport-refused');

    // Chosen: the drafts are updated from the rows, none added.
    await dialog.getByTestId('import-duplicates-update').click();
    expect(await dialog.getByTestId('import-duplicates-hint').innerText()).toContain('替换该草稿');
    await expectCall(
      page,
      'POST',
      '/api/catalog/excel/import',
      () => dialog.getByTestId('import-start').click(),
      (url) => url.searchParams.get('duplicates') === 'update',
    );
    await dialog.getByTestId('import-ok').waitFor({ timeout: 60_000 });
    expect(await dialog.getByTestId('import-ok').innerText()).toContain('新建 0 条、更新 2 条');
    const drafts = await e2e.ctx.db
      .selectFrom('catalog_entry_version')
      .select('name')
      .where('name', 'in', [first, second])
      .execute();
    expect(drafts).toHaveLength(2);
    expect(uploads()).toBe(3);
    await page.context().close();
  });

  it('exports exactly what the filtered search shows', async () => {
    const page = await e2e.login('rsj_yh');
    await page.getByTestId('menu-catalog-search').click();
    await page.getByTestId('facet-department').waitFor();
    const scj = page
      .getByTestId('facet-department')
      .locator('[data-testid="facet-value"]', { hasText: '上饶市市场监督管理局' });
    const res = await expectCall(page, 'GET', '/api/catalog/search', () => scj.click());
    const deptId = new URL(res.url()).searchParams.get('departmentId');
    expect(deptId).toBeTruthy();
    const { total } = (await res.json()) as { total: number };
    expect(total).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('search-count').innerText()).toBe(`共找到 ${total} 条信息资源`);
    await maybeScreenshot(page, 'catalog-search-facet');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('search-export').click()]);
    expect(new URL(download.url()).searchParams.get('departmentId')).toBe(deptId);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.read(fs.createReadStream(await download.path()));
    const sheet = wb.getWorksheet('信息资源')!;
    const header = (sheet.getRow(1).values as unknown[]).map(String);
    const providerCol = header.indexOf('提供方');
    const providers: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) providers.push(String(row.getCell(providerCol).value));
    });
    expect(providers).toHaveLength(total);
    expect(new Set(providers)).toEqual(new Set(['上饶市市场监督管理局']));
    await page.context().close();
  });
});
