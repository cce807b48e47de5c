import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { acceptConfirm, choose, expectCall, inputOf, openPopper, rowsWith, textareaOf } from './ui';

/** Digits only, so jieba keeps them apart from the Chinese words a test searches for. */
const suffix = () =>
  String(Date.now() % 1_000_000).padStart(6, '0') + String(Math.floor(Math.random() * 100)).padStart(2, '0');

/** The R-01 fields every entry needs, filled through the compile form (items are left to the caller). */
async function fillBasics(page: Page, name: string): Promise<void> {
  const form = page.getByTestId('entry-form');
  await form.waitFor();
  // The class cascader is filterable: typing a class name offers its path.
  const cascader = page.getByTestId('entry-class').locator('.el-cascader');
  await cascader.click();
  await cascader.locator('input').fill('人口');
  await openPopper(page).locator('.el-cascader__suggestion-item', { hasText: '人口' }).first().click();
  await inputOf(page, 'entry-name').fill(name);
  await textareaOf(page, 'entry-summary').fill(`${name}，记录巡护人员、点位、时间和发现的情况，供相关部门共享使用。`);
  await choose(page, 'entry-format', '数据库');
  await choose(page, 'entry-cycle', '每月');
  await page.getByTestId('method-table').click();
}

async function fillItem(
  page: Page,
  i: number,
  name: string,
  field: string,
  type: string,
  length?: number,
): Promise<void> {
  await inputOf(page, `item-name-${i}`).fill(name);
  await inputOf(page, `item-field-${i}`).fill(field);
  await choose(page, `item-type-${i}`, type);
  if (length !== undefined) await inputOf(page, `item-length-${i}`).fill(String(length));
}

const entryInput = (name: string) => ({
  classCode: '101',
  name,
  summary: `${name}的基本情况`,
  formatKind: 'database',
  shareMethods: ['table'],
  updateCycle: 'monthly',
  items: [
    { name: '记录编号', dataType: 'C', length: 32 },
    { name: '登记日期', dataType: 'D' },
  ],
});

describeBrowser('catalog in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('specialist compiles an entry with two items, leader and admin approve, another department finds it by a Chinese search', async () => {
    const name = `候鸟栖息地巡护记录${suffix()}`;
    const specialist = await e2e.login('scj_zy');
    await specialist.getByTestId('menu-catalog-mine').click();
    await specialist.getByTestId('mine-table').waitFor();
    await specialist.getByTestId('catalog-create').click();
    await fillBasics(specialist, name);
    // New entries default to 无条件共享.
    expect(await specialist.getByTestId('share-unconditional').locator('input').isChecked()).toBe(true);
    await fillItem(specialist, 0, '巡护点位名称', 'site_name', 'C 字符型', 100);
    await specialist.getByTestId('item-add').click();
    await fillItem(specialist, 1, '巡护日期', 'patrol_date', 'D 日期型');
    await maybeScreenshot(specialist, 'catalog-compile');

    await specialist.getByTestId('entry-submit').click();
    const [created, submitted] = await Promise.all([
      specialist.waitForResponse(
        (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/catalog/entries',
      ),
      specialist.waitForResponse(
        (r) =>
          r.request().method() === 'POST' && /\/api\/catalog\/versions\/[^/]+\/submit$/.test(new URL(r.url()).pathname),
      ),
      acceptConfirm(specialist),
    ]);
    expect(created.status()).toBe(201);
    expect(submitted.status()).toBe(200);
    const entry = (await created.json()) as {
      id: string;
      code: string;
      pending: { items: Array<{ name: string; dataType: string }> };
    };
    expect(entry.pending.items.map((i) => [i.name, i.dataType])).toEqual([
      ['巡护点位名称', 'C'],
      ['巡护日期', 'D'],
    ]);
    await specialist.getByTestId('mine-table').waitFor();
    await expect.poll(() => rowsWith(specialist, 'mine-table', name).innerText()).toContain('部门审核中');
    expect(await rowsWith(specialist, 'mine-table', name).innerText()).toContain(entry.code);
    await maybeScreenshot(specialist, 'catalog-mine');
    await specialist.context().close();

    const leader = await e2e.login('scj_ld');
    await review(leader, name, 'dept-review');
    await leader.context().close();

    const admin = await e2e.login('admin');
    await review(admin, name, 'platform-review');
    await admin.context().close();

    const reader = await e2e.login('rsj_yh');
    await reader.getByTestId('menu-catalog-search').click();
    await reader.getByTestId('search-results').waitFor();
    await inputOf(reader, 'search-input').fill('候鸟栖息地巡护');
    const res = await expectCall(
      reader,
      'GET',
      '/api/catalog/search',
      () => reader.getByTestId('search-submit').click(),
      (u) => u.searchParams.has('q'),
    );
    expect(new URL(res.url()).searchParams.get('q')).toBe('候鸟栖息地巡护');
    const hit = reader.getByTestId('search-hit').filter({ hasText: name });
    await expect.poll(() => hit.count()).toBe(1);
    expect(await hit.innerText()).toContain('上饶市市场监督管理局');
    expect(await hit.locator('mark').count()).toBeGreaterThan(0);
    await maybeScreenshot(reader, 'catalog-search');

    await hit.getByTestId('hit-name').click();
    await reader.getByTestId('entry-detail').waitFor();
    await expect.poll(() => reader.getByTestId('entry-title').innerText()).toBe(name);
    expect(await reader.getByTestId('entry-code').innerText()).toBe(entry.code);
    await reader.getByTestId('entry-tabs').getByText('信息项（2）').click();
    const items = reader.getByTestId('items-table');
    await expect.poll(() => items.innerText()).toContain('巡护点位名称');
    expect(await items.innerText()).toContain('巡护日期');
    expect(await items.innerText()).toContain('D 日期型');
    await maybeScreenshot(reader, 'catalog-entry');
    await reader.context().close();
  });

  it('the platform administrator returns an entry with a reason and the specialist sees it', async () => {
    const name = `农贸市场摊位登记${suffix()}`;
    const reason = `请补充摊位面积信息项（${suffix()}）`;
    const spec = await e2e.apiAs('scj_zy');
    const created = (await spec('POST', '/api/catalog/entries', entryInput(name))) as { pending: { id: string } };
    await spec('POST', `/api/catalog/versions/${created.pending.id}/submit`);
    const lead = await e2e.apiAs('scj_ld');
    await lead('POST', `/api/catalog/versions/${created.pending.id}/dept-review`, { decision: 'approve' });

    const admin = await e2e.login('admin');
    await admin.getByTestId('menu-catalog-review').click();
    const row = rowsWith(admin, 'review-table', name);
    await expect.poll(() => row.count()).toBe(1);
    await row.getByTestId('review-open').click();
    const drawer = admin.getByTestId('review-drawer');
    await drawer.getByTestId('version-details').waitFor();
    await drawer.getByTestId('review-reject').click();
    const dialog = admin.getByTestId('reason-dialog');
    // A return without a reason is refused in the dialog itself.
    await dialog.getByTestId('reason-confirm').click();
    await expect.poll(() => dialog.locator('.el-form-item__error').allInnerTexts()).toContain('请填写退回原因');
    await textareaOf(dialog, 'reason-input').fill(reason);
    await maybeScreenshot(admin, 'catalog-reject');
    const res = await expectCall(admin, 'POST', `/api/catalog/versions/${created.pending.id}/platform-review`, () =>
      dialog.getByTestId('reason-confirm').click(),
    );
    expect(res.status()).toBe(200);
    expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({ decision: 'reject', reason });
    await expect.poll(() => rowsWith(admin, 'review-table', name).count()).toBe(0);
    await admin.context().close();

    const specialist = await e2e.login('scj_zy');
    await specialist.getByTestId('menu-catalog-mine').click();
    const mine = rowsWith(specialist, 'mine-table', name);
    await expect.poll(() => mine.count()).toBe(1);
    const text = await mine.innerText();
    expect(text).toContain('已退回');
    expect(text).toContain(`退回原因：${reason}`);
    await maybeScreenshot(specialist, 'catalog-rejected');
    await specialist.context().close();
  });

  it('refuses 有条件共享 without a basis in Chinese next to the field and submits nothing', async () => {
    const name = `食品抽检结果${suffix()}`;
    const page = await e2e.login('scj_zy');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() !== 'GET' && new URL(r.url()).pathname.startsWith('/api/catalog/'))
        posts.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await page.goto('/console/catalog/entries/new');
    await fillBasics(page, name);
    await fillItem(page, 0, '抽检批次号', 'batch_no', 'C 字符型', 32);

    // Open resources are shared without conditions (Art 8): the other share types are locked.
    await page.getByTestId('open-unconditional').click();
    await page.getByTestId('open-forces-share').waitFor();
    expect(await page.getByTestId('share-conditional').getAttribute('class')).toContain('is-disabled');
    await page.getByTestId('open-none').click();
    await page.getByTestId('open-forces-share').waitFor({ state: 'detached' });

    await page.getByTestId('share-conditional').click();
    const conditionItem = page.getByTestId('share-condition-item');
    await conditionItem.waitFor();
    expect(await conditionItem.locator('.el-form-item__label').innerText()).toContain('共享条件');
    await page.getByTestId('entry-submit').click();
    const basisMessage = '有条件共享和不予共享须填写法律、行政法规或政策依据';
    await expect.poll(() => conditionItem.locator('.el-form-item__error').innerText()).toBe(basisMessage);

    await page.getByTestId('share-none').click();
    expect(await conditionItem.locator('.el-form-item__label').innerText()).toContain('不予共享依据');
    // Typing clears the message; an empty basis brings it back on the next save.
    await textareaOf(page, 'entry-share-condition').fill('依据《中华人民共和国食品安全法》');
    await expect.poll(() => conditionItem.locator('.el-form-item__error').count()).toBe(0);
    await textareaOf(page, 'entry-share-condition').fill(' ');
    await page.getByTestId('entry-save').click();
    await expect.poll(() => conditionItem.locator('.el-form-item__error').innerText()).toBe(basisMessage);
    await maybeScreenshot(page, 'catalog-basis-required');

    expect(posts).toEqual([]);
    const rows = await e2e.ctx.db.selectFrom('catalog_entry_version').select('id').where('name', '=', name).execute();
    expect(rows).toEqual([]);
    await page.context().close();
  });

  it('shows the problems only the server can find next to their field and row', async () => {
    const name = `特种设备登记${suffix()}`;
    const page = await e2e.login('scj_zy');
    await page.goto('/console/catalog/entries/new');
    await fillBasics(page, name);
    await fillItem(page, 0, '设备编号', 'device_no', 'C 字符型', 40);
    // Well formed but unknown: only the database can tell.
    await page.locator('.el-select[data-testid="entry-related"]').click();
    await page.locator('.el-select[data-testid="entry-related"] input').fill('101/999999');
    await openPopper(page).getByText('101/999999', { exact: true }).click();
    await inputOf(page, 'entry-name').click();
    const res = await expectCall(page, 'POST', '/api/catalog/entries', () => page.getByTestId('entry-save').click());
    expect(JSON.parse(res.request().postData() ?? '{}')).toMatchObject({ relatedCodes: ['101/999999'] });
    expect(res.status()).toBe(400);
    const relatedItem = page.locator('.el-form-item', { has: page.getByTestId('entry-related') });
    await expect
      .poll(() => relatedItem.locator('.el-form-item__error').innerText())
      .toBe('关联资源代码“101/999999”不存在');

    // A row problem lands in its row: the browser runs the same rules before sending anything.
    await inputOf(page, 'item-length-0').fill('');
    await page.getByTestId('entry-save').click();
    await expect
      .poll(() => page.getByTestId('item-editor').locator('[data-testid="item-error"]').allInnerTexts())
      .toEqual(['字符型、数值型和货币型信息项须填写长度']);
    await maybeScreenshot(page, 'catalog-server-errors');
    await page.context().close();
  });
});

/** Opens the entry in the reviewer's queue and approves it. */
async function review(page: Page, name: string, step: 'dept-review' | 'platform-review'): Promise<void> {
  await page.getByTestId('menu-catalog-review').click();
  const row = rowsWith(page, 'review-table', name);
  await expect.poll(() => row.count()).toBe(1);
  await row.getByTestId('review-open').click();
  const drawer = page.getByTestId('review-drawer');
  await drawer.getByTestId('version-details').waitFor();
  expect(await drawer.getByTestId('items-table').innerText()).toContain('巡护日期');
  await maybeScreenshot(page, `catalog-${step}`);
  await drawer.getByTestId('review-approve').click();
  // The platform's approval publishes, and its confirmation says so.
  await expect
    .poll(() => page.locator('.gs-confirm').innerText())
    .toContain(step === 'platform-review' ? '将发布到全市统一目录' : '将提交平台管理机构审核');
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith(`/${step}`)),
    acceptConfirm(page),
  ]);
  expect(res.status()).toBe(200);
  expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({ decision: 'approve' });
  await expect.poll(() => rowsWith(page, 'review-table', name).count()).toBe(0);
}
