import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';
import { corpSource, type CorpSource } from '../exchange/pull-fixtures';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { choose as chooseAny, expectCall, inputOf, openPopper, rowsWith, textareaOf } from './ui';

/**
 * Issue 5, acceptance point 11: a provider registers a MariaDB source and pulls a table resource
 * into the data resource center; a consumer without a grant is refused, one with a grant downloads
 * the CSV stamped with its grant. Demo data: 企业登记信息 (市场监管局 scj_zy, 库表 + 接口). Also the
 * R-22 resource file versions of a 文件 entry, on the same entry page.
 */

const ROWS = 25;

/** Picks from a select once the previous dropdown has closed, so an option of that one is never taken. */
async function choose(page: Page, testId: string, option: string): Promise<void> {
  await expect.poll(() => openPopper(page).count()).toBe(0);
  await chooseAny(page, testId, option);
}

describeBrowser('exchange: source, pull and download in the browser', () => {
  let e2e: E2E;
  let src: CorpSource;
  beforeAll(async () => {
    // The job runner must run: 立即汇聚 only queues the pull.
    e2e = await startE2E({}, { jobs: true });
    src = await corpSource(ROWS);
  });
  afterAll(async () => {
    await e2e?.close();
    await src?.drop();
  });

  async function demoEntry(name: string): Promise<{ id: string; code: string; itemIds: string[] }> {
    const admin = await e2e.apiAs('admin');
    const r = (await admin('GET', `/api/catalog/search?q=${encodeURIComponent(name)}&pageSize=50`)) as {
      items: Array<{ entryId: string; name: string }>;
    };
    const hit = r.items.find((i) => i.name.replace(/<[^>]+>/g, '') === name);
    if (!hit) throw new Error(`demo entry ${name} not found`);
    const e = (await admin('GET', `/api/catalog/entries/${hit.entryId}`)) as {
      id: string;
      code: string;
      current: { items: Array<{ id: string }> };
    };
    return { id: e.id, code: e.code, itemIds: e.current.items.map((i) => i.id) };
  }

  async function registerSource(page: Page, name: string): Promise<void> {
    await page.getByTestId('menu-exchange-sources').click();
    await page.waitForURL('**/console/exchange/sources');
    await page.getByTestId('source-create').click();
    const dialog = page.getByTestId('source-dialog');
    await inputOf(dialog, 'source-name').fill(name);
    await choose(page, 'source-kind', 'MySQL/MariaDB');
    await inputOf(dialog, 'source-host').fill('127.0.0.1');
    await inputOf(dialog, 'source-port').fill('3306');
    await inputOf(dialog, 'source-database').fill(src.database);
    await inputOf(dialog, 'source-username').fill(src.username);
    await inputOf(dialog, 'source-password').fill(src.password);
    const res = await expectCall(page, 'POST', '/api/exchange/sources', () =>
      dialog.getByTestId('source-save').click(),
    );
    expect(res.status()).toBe(201);
    // The password went in and does not come out.
    expect(JSON.stringify(await res.json())).not.toContain(src.password);
    await rowsWith(page, 'source-table', name).waitFor();
  }

  it('a provider pulls a MariaDB table; a consumer is refused without a grant and downloads the CSV with one', async () => {
    const entry = await demoEntry('企业登记信息');
    const sourceName = `企业登记库${Date.now() % 100000}`;

    // 1. 市场监管局's data specialist registers the source and tests the connection.
    const page = await e2e.login('scj_zy');
    await registerSource(page, sourceName);
    const row = rowsWith(page, 'source-table', sourceName);
    await row.getByTestId('source-test').click();
    await expect.poll(() => row.getByTestId('source-test-result').innerText()).toMatch(/^连接成功/);
    await maybeScreenshot(page, 'exchange-sources');

    // 2. Binds 企业登记信息 to table corp on its 数据汇聚 tab.
    await page.goto(`/console/catalog/entries/${entry.id}`);
    await page.locator('#tab-pull').click();
    const form = page.getByTestId('binding-form');
    await form.getByTestId('binding-map').waitFor();
    // Not bound yet: the upload card has nothing to warn about.
    expect(await page.getByTestId('upload-bound').count()).toBe(0);
    await choose(page, 'binding-source', `${sourceName}（127.0.0.1/${src.database}）`);
    await choose(page, 'binding-table', `${src.database}.corp`);
    // The source's primary key and the same-named columns are suggested.
    await expect.poll(() => form.locator('[data-testid="binding-keys"]').innerText()).toContain('id');
    await expect.poll(() => form.locator('.el-select[data-testid="map-uscc"]').innerText()).toContain('uscc');
    await choose(page, 'map-ent_name', 'name');
    await choose(page, 'map-established_on', 'reg_date');
    await choose(page, 'map-reg_capital', 'capital');
    await choose(page, 'binding-watermark', 'updated_at');
    const saved = await expectCall(page, 'PUT', `/api/exchange/entries/${entry.id}/binding`, () =>
      form.getByTestId('binding-save').click(),
    );
    expect(saved.status()).toBe(200);
    // Bound now: uploads warn that the next full pull makes the table match the source.
    await expect.poll(() => page.getByTestId('upload-bound').innerText()).toContain('以源表为准');
    const binding = (await saved.json()) as {
      keyColumns: string[];
      columnMap: Array<{ column: string; sourceColumn: string }>;
    };
    expect(binding.keyColumns).toEqual(['id']);
    expect(binding.columnMap).toEqual(
      expect.arrayContaining([
        { column: 'uscc', sourceColumn: 'uscc' },
        { column: 'ent_name', sourceColumn: 'name' },
        { column: 'established_on', sourceColumn: 'reg_date' },
        { column: 'reg_capital', sourceColumn: 'capital' },
      ]),
    );

    // 3. 立即汇聚: the runs table refreshes by itself until the run is done, counts reconciled.
    const queued = await expectCall(page, 'POST', `/api/exchange/entries/${entry.id}/runs`, () =>
      page.getByTestId('pull-run').click(),
    );
    expect(queued.status()).toBe(202);
    const runs = page.getByTestId('run-table');
    await expect.poll(() => runs.getByTestId('run-status').first().innerText(), { timeout: 60_000 }).toBe('完成');
    expect(await runs.getByTestId('run-rows').first().innerText()).toBe(`${ROWS} / ${ROWS}`);
    expect(await runs.getByTestId('run-reconciliation').first().innerText()).toContain(
      `一致（源 ${ROWS} / 中心 ${ROWS}）`,
    );

    // the base library 102 (法人单位) lists the resource with the rows the center now holds.
    await page.goto(`${e2e.baseUrl}/console/exchange/libraries`);
    const library = page.getByTestId('library-table-102');
    const listed = library.locator('.el-table__body-wrapper tr.el-table__row', { hasText: entry.code });
    await expect.poll(() => listed.innerText()).toContain(String(ROWS));
    await maybeScreenshot(page, 'exchange-pull');

    // 4. 人社局 has no grant yet: the data card says so and offers to apply; no download link.
    const consumer = await e2e.login('rsj_yh');
    await consumer.goto(`/console/catalog/entries/${entry.id}`);
    await expect.poll(() => consumer.getByTestId('data-refused').innerText()).toContain('未获得该资源的共享授权');
    expect(await consumer.getByTestId('data-apply').isVisible()).toBe(true);
    expect(await consumer.getByTestId('data-export-csv').count()).toBe(0);

    // 5. It applies (unconditional, 服务接口) and is granted at once.
    const apply = async (method: 'api' | 'table') =>
      (await (
        await e2e.apiAs('rsj_yh')
      )('POST', '/api/sharing/requests', {
        entryId: entry.id,
        purpose: '企业参保登记时核验企业登记信息',
        systemName: '上饶市社会保险经办系统',
        itemIds: entry.itemIds,
        method,
        acceptTerms: true,
        termsVersion: USE_TERMS.version,
      })) as { status: string; grant: { id: string; no: string } };
    const byApi = await apply('api');
    expect(byApi.status).toBe('approved');

    // 6. Now the preview shows the pulled rows under the grant; a 服务接口 grant offers no bulk download.
    await consumer.reload();
    await expect.poll(() => consumer.getByTestId('data-grant').innerText()).toContain(byApi.grant.no);
    await expect
      .poll(() => consumer.getByTestId('data-preview').locator('.el-table__body-wrapper tr.el-table__row').count())
      .toBe(20);
    expect(await consumer.getByTestId('data-preview').innerText()).toContain('上饶测试企业1有限公司');
    expect(await consumer.getByTestId('data-export-csv').count()).toBe(0);
    await maybeScreenshot(consumer, 'exchange-data');

    // 7. The platform revokes it; 人社局 applies for 库表 instead: downloads, no query preview.
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/sharing/grants/${byApi.grant.id}/revoke`, { reason: '改为库表方式' });
    const byTable = await apply('table');
    const grantNo = byTable.grant.no;
    await consumer.reload();
    await expect.poll(() => consumer.getByTestId('data-no-query').innerText()).toContain(grantNo);
    const [download] = await Promise.all([
      consumer.waitForEvent('download'),
      consumer.getByTestId('data-export-csv').click(),
    ]);
    // 企业登记信息's items are all public (统一社会信用代码 is not personal), so nothing is masked:
    // the file is stamped with the grant it left the platform under instead.
    expect(download.suggestedFilename()).toBe(`${entry.code.replace('/', '-')}-${grantNo}.csv`);
    const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '');
    // Parsed: the consumer's copy carries its download's mark in how fields are quoted (Art 18), not in values.
    const [header, ...rows] = parse(csv) as string[][];
    // Columns named by the data items, and the grant on every row.
    expect(header!.join(',')).toMatch(/^统一社会信用代码,企业名称,.*,共享授权编号$/);
    expect(rows).toHaveLength(ROWS);
    expect(rows.map((r) => r.slice(0, 2).join(','))).toContain('91361100000000001X,上饶测试企业1有限公司');
    expect(rows.every((r) => r.at(-1) === grantNo)).toBe(true);
    expect(csv).toContain('上饶测试企业25有限公司');
  }, 180_000);

  /** A published 文件 entry of 市场监管局, made as specialist, leader and administrator would. */
  async function fileEntry(name: string): Promise<string> {
    const spec = await e2e.apiAs('scj_zy');
    const entry = (await spec('POST', '/api/catalog/entries', {
      classCode: '102',
      name,
      summary: `${name}，按月汇总的企业登记统计表。`,
      formatKind: 'spreadsheet',
      shareType: 'unconditional',
      shareMethods: ['file'],
      updateCycle: 'monthly',
      items: [
        { name: '统计月份', fieldName: 'stat_month', dataType: 'C', length: 7 },
        { name: '新登记企业数', fieldName: 'new_count', dataType: 'I' },
      ],
    })) as { id: string; pending: { id: string } };
    await spec('POST', `/api/catalog/versions/${entry.pending.id}/submit`);
    await (
      await e2e.apiAs('scj_ld')
    )('POST', `/api/catalog/versions/${entry.pending.id}/dept-review`, { decision: 'approve' });
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/catalog/versions/${entry.pending.id}/platform-review`, { decision: 'approve' });
    return entry.id;
  }

  it('a provider uploads, downloads and withdraws a resource file version', async () => {
    const entryId = await fileEntry(`企业登记统计月报${Date.now() % 100000}`);
    const page = await e2e.login('scj_zy');
    await page.goto(`/console/catalog/entries/${entryId}`);
    const card = page.getByTestId('entry-files');
    await expect.poll(() => card.getByTestId('file-table').innerText()).toContain('尚未上传资源文件');
    const content = 'stat_month,new_count\n2026-10,1520\n2026-11,1488\n';
    await inputOf(card, 'file-note').fill('十一月数据');
    const up = await expectCall(page, 'POST', `/api/exchange/entries/${entryId}/files`, () =>
      card
        .getByTestId('file-input')
        .setInputFiles({ name: '登记统计.csv', mimeType: 'text/csv', buffer: Buffer.from(content) }),
    );
    expect(up.status()).toBe(201);
    const row = rowsWith(page, 'file-table', '登记统计.csv');
    await expect.poll(() => row.innerText()).toContain('十一月数据');
    expect(await row.innerText()).toContain('v1');

    const [download] = await Promise.all([page.waitForEvent('download'), row.getByTestId('file-download').click()]);
    expect(download.suggestedFilename()).toBe('登记统计.csv');
    expect(fs.readFileSync((await download.path())!, 'utf8')).toBe(content);

    // Withdrawing needs a reason; afterwards the version stays listed but cannot be downloaded.
    await row.getByTestId('file-withdraw').click();
    await textareaOf(page, 'reason-input').fill('统计口径有误');
    const w = await expectCall(
      page,
      'POST',
      `/api/exchange/files/${((await up.json()) as { id: string }).id}/withdraw`,
      () => page.getByTestId('reason-confirm').click(),
    );
    expect(w.status()).toBe(200);
    await row.getByTestId('file-withdrawn').waitFor();
    expect(await row.getByTestId('file-download').count()).toBe(0);
  }, 120_000);
});
