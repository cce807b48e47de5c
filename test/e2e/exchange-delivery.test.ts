import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';
import { mask, suggestRule } from '../../src/server/platform/masking';
import { MARIADB, mariaDatabase, type MariaDatabase } from '../exchange/sources-fixtures';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { choose, expectCall, inputOf, openPopper, rowsWith } from './ui';

/**
 * R-21/R-22/R-27 in Chromium: 市场监管局's specialist loads a 库表 resource by uploading a CSV (a
 * refused file lists its bad row, a good one is written), the entry page's quality card then shows
 * what the load measured, and 人社局's specialist has the granted items pushed, masked, into a
 * table of its own MariaDB database from the grant page.
 */

const USCC_ITEM = {
  name: '统一社会信用代码',
  fieldName: 'uscc',
  sensitivity: 'personal' as const,
  maskRule: '保留前6位和后4位，其余以*代替',
};
const USCC_RULE = suggestRule(USCC_ITEM);
const uscc = (n: number) => completeCreditCode('91361100', String(n).padStart(8, '0'));
const ROWS = 5;
const HEADER = '统一社会信用代码,企业名称,员工人数,成立日期';
/** Five valid rows; the last has no 成立日期, so completeness is 19 of 20 values. */
const goodRows = () =>
  Array.from(
    { length: ROWS },
    (_, i) =>
      `${uscc(i + 1)},上饶推送测试企业${i + 1}有限公司,${(i + 1) * 10},${i === ROWS - 1 ? '' : `2021-03-0${i + 1}`}`,
  );
const csv = (lines: string[]) => Buffer.from('\uFEFF' + lines.join('\r\n') + '\r\n');

describeBrowser('exchange: upload, quality and push in the browser', () => {
  let e2e: E2E;
  let target: MariaDatabase;
  let entry: { id: string; itemIds: string[] };
  beforeAll(async () => {
    // The job runner must run: saving a push only queues its first full delivery.
    [e2e, target] = await Promise.all([startE2E({}, { jobs: { pollMs: 200 } }), mariaDatabase('p', 'all')]);
    entry = await tableEntry(`企业推送测试信息${Date.now() % 100000}`);
  });
  afterAll(async () => {
    await e2e?.close();
    await target?.drop();
  });

  /** A published, unconditionally shared 库表 entry of 市场监管局, made as specialist, leader and administrator would. */
  async function tableEntry(name: string): Promise<{ id: string; itemIds: string[] }> {
    const spec = await e2e.apiAs('scj_zy');
    const created = (await spec('POST', '/api/catalog/entries', {
      classCode: '102',
      name,
      summary: `${name}，含统一社会信用代码、企业名称、员工人数和成立日期。`,
      formatKind: 'database',
      shareType: 'unconditional',
      shareMethods: ['table'],
      updateCycle: 'daily',
      items: [
        { ...USCC_ITEM, dataType: 'C', length: 18 },
        { name: '企业名称', fieldName: 'ent_name', dataType: 'C', length: 100 },
        { name: '员工人数', fieldName: 'staff', dataType: 'I' },
        { name: '成立日期', fieldName: 'reg_date', dataType: 'D' },
      ],
    })) as { id: string; pending: { id: string } };
    await spec('POST', `/api/catalog/versions/${created.pending.id}/submit`);
    await (
      await e2e.apiAs('scj_ld')
    )('POST', `/api/catalog/versions/${created.pending.id}/dept-review`, { decision: 'approve' });
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/catalog/versions/${created.pending.id}/platform-review`, { decision: 'approve' });
    const published = (await spec('GET', `/api/catalog/entries/${created.id}`)) as {
      current: { items: Array<{ id: string }> };
    };
    return { id: created.id, itemIds: published.current.items.map((i) => i.id) };
  }

  /** Puts a CSV into the upload card's file input and sends it; returns the upload's response status. */
  async function upload(page: Page, name: string, body: Buffer): Promise<number> {
    const card = page.getByTestId('entry-upload');
    await card.getByTestId('upload-input').setInputFiles({ name, mimeType: 'text/csv', buffer: body });
    await expect.poll(() => card.getByTestId('upload-file-name').innerText()).toBe(name);
    const res = await expectCall(page, 'POST', `/api/exchange/entries/${entry.id}/upload`, () =>
      card.getByTestId('upload-submit').click(),
    );
    return res.status();
  }

  it('a provider uploads a CSV: a bad row is listed and nothing is written; a good file is, and the quality card shows it', async () => {
    const page = await e2e.login('scj_zy');
    await page.goto(`/console/catalog/entries/${entry.id}`);
    // Nothing loaded yet: the quality card says so.
    const quality = page.getByTestId('entry-quality');
    await quality.getByTestId('quality-empty').waitFor();
    expect(await quality.getByTestId('quality-completeness').count()).toBe(0);

    await page.locator('#tab-pull').click();
    const card = page.getByTestId('entry-upload');
    await card.waitFor();
    // 统一社会信用代码 identifies a row (a multiple select: it stays open until closed).
    await choose(page, 'upload-keys', '统一社会信用代码（uscc）');
    await page.keyboard.press('Escape');
    await expect.poll(() => openPopper(page).count()).toBe(0);

    // Row 4 of the file (the header is row 1) has a non-numeric 员工人数.
    const bad = goodRows();
    bad[2] = `${uscc(3)},上饶推送测试企业3有限公司,三十,2021-03-03`;
    expect(await upload(page, '企业-有误.csv', csv([HEADER, ...bad]))).toBe(400);
    const report = card.getByTestId('upload-report');
    await expect.poll(() => report.innerText()).toContain('文件中有 1 处问题（涉及 1 行），未写入任何数据');
    const problems = card.getByTestId('upload-problems').locator('.el-table__body-wrapper tr.el-table__row');
    expect(await problems.count()).toBe(1);
    const cells = await problems.first().locator('td').allInnerTexts();
    expect(cells.map((c) => c.trim())).toEqual(['4', '员工人数（staff）', '三十', '不是整数']);
    expect(await card.getByTestId('upload-result').count()).toBe(0);
    await maybeScreenshot(page, 'exchange-upload-report');
    // All or nothing: the quality card still has nothing to show.
    expect(await quality.getByTestId('quality-empty').isVisible()).toBe(true);

    // The corrected file is written; the report gives way to the summary.
    expect(await upload(page, '企业-已修正.csv', csv([HEADER, ...goodRows()]))).toBe(200);
    const result = card.getByTestId('upload-result');
    await expect.poll(() => result.innerText()).toContain(`已写入 ${ROWS} 行数据`);
    expect(await result.innerText()).toContain(`读取 ${ROWS} 行，写入 ${ROWS} 行，删除 0 行，表中现有 ${ROWS} 行`);
    expect(await result.innerText()).toContain('数据质量：完整性 95.0%，准确性 100.0%');
    expect(await card.getByTestId('upload-report').count()).toBe(0);

    // The quality card follows the load: gauges instead of the empty state, the gap named.
    await expect.poll(() => quality.getByTestId('quality-completeness').innerText()).toContain('95.0%');
    expect(await quality.getByTestId('quality-accuracy').innerText()).toContain('100.0%');
    expect(await quality.getByTestId('quality-measured').innerText()).toContain(`共 ${ROWS} 条数据`);
    expect(await quality.getByTestId('quality-empty').count()).toBe(0);
    const gaps = rowsWith(page, 'quality-items', 'reg_date');
    expect(await gaps.innerText()).toContain('成立日期');
    expect(await gaps.innerText()).toContain('80.0%');
    await maybeScreenshot(page, 'exchange-quality');

    // A reader sees the same card after reloading.
    await page.reload();
    await expect
      .poll(() => page.getByTestId('entry-quality').getByTestId('quality-completeness').innerText())
      .toContain('95.0%');
  }, 90_000);

  it('a consumer pushes its 库表 grant, masked, into its own MariaDB database', async () => {
    // 人社局 applies for all items as 库表 (unconditional: granted at once) and registers its database.
    const rsj = await e2e.apiAs('rsj_zy');
    const applied = (await rsj('POST', '/api/sharing/requests', {
      entryId: entry.id,
      purpose: '就业登记时核验用人单位的统一社会信用代码和规模',
      systemName: '上饶市人社一体化经办系统',
      itemIds: entry.itemIds,
      method: 'table',
      acceptTerms: true,
      termsVersion: USE_TERMS.version,
    })) as { status: string; grant: { id: string; no: string } };
    expect(applied.status).toBe('approved');
    const sourceName = `人社共享库${randomBytes(2).toString('hex')}`;
    await rsj('POST', '/api/exchange/sources', {
      name: sourceName,
      kind: 'mysql',
      host: MARIADB.host,
      port: MARIADB.port,
      database: target.database,
      username: target.username,
      password: target.password,
    });

    const page = await e2e.login('rsj_zy');
    await page.goto(`/console/sharing/grants/${applied.grant.id}`);
    const card = page.getByTestId('grant-push');
    await card.getByTestId('push-target').waitFor();
    // Saving needs a target and a valid table name.
    expect(await card.getByTestId('push-save').isDisabled()).toBe(true);
    await choose(page, 'push-target', `${sourceName}（mysql · ${target.database}）`);
    await inputOf(card, 'push-table').fill('share_corp');
    const saved = await expectCall(page, 'PUT', `/api/exchange/grants/${applied.grant.id}/push`, () =>
      card.getByTestId('push-save').click(),
    );
    expect(saved.status()).toBe(200);

    // The first, full push was queued; the runs table refreshes itself until it is done.
    const runs = card.getByTestId('run-table');
    await expect
      .poll(() => runs.getByTestId('run-status').first().innerText(), { timeout: 30_000 })
      .toMatch(/^(完成|失败)$/);
    // The whole row, so that a failed run's error is in the message.
    const run = runs.locator('.el-table__body-wrapper tr.el-table__row').first();
    expect(await run.innerText()).not.toContain('失败');
    expect(await runs.getByTestId('run-status').count()).toBe(1);
    expect(await runs.getByTestId('run-rows').first().innerText()).toBe(`${ROWS} / ${ROWS}`);
    expect(await runs.getByTestId('run-reconciliation').first().innerText()).toBe(
      `一致（中心 ${ROWS} / 目标 ${ROWS}）`,
    );
    expect(await run.innerText()).toContain('全量');
    await maybeScreenshot(page, 'exchange-push');

    // In 人社局's database: the granted items (plus the row key), 统一社会信用代码 masked by its rule.
    const rows = await target.query('select * from share_corp order by staff');
    expect(rows).toHaveLength(ROWS);
    expect(Object.keys(rows[0]!).sort()).toEqual(['_gs_key', 'ent_name', 'reg_date', 'staff', 'uscc']);
    expect(rows[1]).toMatchObject({
      uscc: mask(USCC_RULE, uscc(2)),
      ent_name: '上饶推送测试企业2有限公司',
      staff: 20,
      reg_date: '2021-03-02',
    });
    expect(rows[1]!.uscc).not.toBe(uscc(2));
    expect(String(rows[1]!.uscc)).toMatch(/^913611\*{8}[0-9A-Z]{4}$/);
    expect(rows[ROWS - 1]!.reg_date).toBeNull();
    const [comment] = await target.query(
      `select table_comment as c from information_schema.tables where table_schema = database() and table_name = 'share_corp'`,
    );
    expect(String(comment!.c)).toContain(applied.grant.no);
  }, 90_000);
});
