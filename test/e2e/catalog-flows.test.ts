import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { acceptConfirm, choose, expectCall, inputOf, rowsWith, textareaOf } from './ui';

const tag = () => String(Date.now() % 1_000_000).padStart(6, '0');

describeBrowser('catalog entry page, objections and demands in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** A published 市场监管局 entry, made through the API as specialist, leader and administrator would. */
  async function publishedEntry(name: string): Promise<{ id: string; code: string }> {
    const spec = await e2e.apiAs('scj_zy');
    const entry = (await spec('POST', '/api/catalog/entries', {
      classCode: '102',
      name,
      summary: `${name}，含登记机关、登记日期等。`,
      formatKind: 'database',
      shareMethods: ['table', 'api'],
      updateCycle: 'daily',
      items: [
        { name: '统一社会信用代码', fieldName: 'uscc', dataType: 'C', length: 18 },
        { name: '登记日期', fieldName: 'registered_on', dataType: 'D' },
      ],
    })) as { id: string; code: string; pending: { id: string } };
    await spec('POST', `/api/catalog/versions/${entry.pending.id}/submit`);
    await (
      await e2e.apiAs('scj_ld')
    )('POST', `/api/catalog/versions/${entry.pending.id}/dept-review`, { decision: 'approve' });
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/catalog/versions/${entry.pending.id}/platform-review`, { decision: 'approve' });
    return { id: entry.id, code: entry.code };
  }

  it('another department raises an objection, the provider answers, the raiser confirms with a rating', async () => {
    const name = `个体工商户登记信息${tag()}`;
    const entry = await publishedEntry(name);
    const content = `登记日期与营业执照不一致（${tag()}）`;

    const raiser = await e2e.login('rsj_zy');
    await raiser.goto(`/console/catalog/entries/${entry.id}`);
    await raiser.getByTestId('entry-raise').click();
    const dialog = raiser.getByTestId('objection-dialog');
    await textareaOf(dialog, 'objection-content').fill(content);
    const res = await expectCall(raiser, 'POST', `/api/catalog/entries/${entry.id}/objections`, () =>
      dialog.getByTestId('objection-save').click(),
    );
    expect(res.status()).toBe(201);
    const objectionId = ((await res.json()) as { id: string }).id;
    const row = rowsWith(raiser, 'objection-table', '上饶市人力资源和社会保障局');
    await expect.poll(() => row.count()).toBe(1);
    // Due in five working days: waiting for the provider, not overdue.
    expect(await row.innerText()).toContain('待答复');
    expect(await row.innerText()).toMatch(/剩余 \d+ 天/);
    await maybeScreenshot(raiser, 'catalog-objection-raised');

    const provider = await e2e.login('scj_zy');
    await provider.getByTestId('menu-catalog-objections').click();
    const received = rowsWith(provider, 'objection-table', name);
    await expect.poll(() => received.count()).toBe(1);
    await received.getByTestId('objection-answer').click();
    const answer = provider.getByTestId('reason-dialog');
    await textareaOf(answer, 'reason-input').fill('已核实，已按营业执照更正登记日期。');
    await expectCall(provider, 'POST', `/api/catalog/objections/${objectionId}/answer`, () =>
      answer.getByTestId('reason-confirm').click(),
    );
    await expect
      .poll(() => rowsWith(provider, 'objection-table', name).getByTestId('objection-status').innerText())
      .toBe('已答复');
    await provider.context().close();

    await raiser.getByTestId('menu-catalog-objections').click();
    await raiser.getByTestId('objection-tabs').getByText('我提出的').click();
    const mine = rowsWith(raiser, 'objection-table', name);
    await expect.poll(() => mine.getByTestId('objection-status').innerText()).toBe('已答复');
    await mine.getByTestId('objection-confirm').click();
    const rating = raiser.getByTestId('rating-dialog');
    await rating.locator('.el-rate__item').nth(3).click();
    const confirmed = await expectCall(raiser, 'POST', `/api/catalog/objections/${objectionId}/confirm`, () =>
      rating.getByTestId('rating-confirm').click(),
    );
    expect(JSON.parse(confirmed.request().postData() ?? '{}')).toEqual({ rating: 4 });
    await expect
      .poll(() => rowsWith(raiser, 'objection-table', name).getByTestId('objection-status').innerText())
      .toBe('已确认');
    await maybeScreenshot(raiser, 'catalog-objections');
    await raiser.context().close();
  });

  it('the provider changes a published entry and any reader compares the two versions', async () => {
    const name = `农民专业合作社登记信息${tag()}`;
    const entry = await publishedEntry(name);
    const page = await e2e.login('scj_zy');
    await page.goto(`/console/catalog/entries/${entry.id}`);
    await page.getByTestId('entry-change').click();
    await Promise.all([page.waitForURL(/\/console\/catalog\/versions\/[^/]+\/edit$/), acceptConfirm(page)]);
    await page.getByTestId('entry-form').waitFor();
    await expect.poll(() => inputOf(page, 'entry-name').inputValue()).toBe(name);
    await textareaOf(page, 'entry-summary').fill(`${name}，增加成员出资额信息。`);
    await textareaOf(page, 'entry-change-note').fill('补充摘要');
    await page.getByTestId('item-add').click();
    await inputOf(page, 'item-name-2').fill('成员出资总额');
    await choose(page, 'item-type-2', 'Y 货币型');
    await inputOf(page, 'item-length-2').fill('16');
    await page.getByTestId('entry-submit').click();
    const [patched] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'PATCH' && /\/api\/catalog\/versions\//.test(r.url())),
      acceptConfirm(page),
    ]);
    expect(patched.status()).toBe(200);
    const versionId = ((await patched.json()) as { id: string }).id;
    await page.getByTestId('mine-table').waitFor();
    await page.context().close();
    await (
      await e2e.apiAs('scj_ld')
    )('POST', `/api/catalog/versions/${versionId}/dept-review`, { decision: 'approve' });
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/catalog/versions/${versionId}/platform-review`, { decision: 'approve' });

    const reader = await e2e.login('rsj_yh');
    await reader.goto(`/console/catalog/entries/${entry.id}`);
    await reader.getByTestId('entry-tabs').getByText('版本历史').click();
    const table = reader.getByTestId('version-table');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await table.locator('tbody tr .el-checkbox').nth(0).click();
    await table.locator('tbody tr .el-checkbox').nth(1).click();
    await expectCall(reader, 'GET', `/api/catalog/versions/${versionId}/diff`, () =>
      reader.getByTestId('version-compare').click(),
    );
    const diff = reader.getByTestId('diff-dialog');
    await expect.poll(() => diff.innerText()).toContain('版本 1 与 版本 2 的差异');
    const text = await diff.innerText();
    expect(text).toContain('信息资源摘要');
    expect(text).toContain('增加成员出资额信息');
    expect(text).toContain('新增信息项');
    expect(text).toContain('成员出资总额');
    await maybeScreenshot(reader, 'catalog-diff');
    await reader.context().close();
  });

  it('a department files a demand and the administrator turns it into a responsibility item', async () => {
    const title = `需要市场主体注销信息${tag()}`;
    const user = await e2e.login('rsj_zy');
    await user.getByTestId('menu-catalog-demands').click();
    await user.getByTestId('demand-file').click();
    const dialog = user.getByTestId('demand-dialog');
    await inputOf(dialog, 'demand-title').fill(title);
    await textareaOf(dialog, 'demand-description').fill('企业注销登记的名称、统一社会信用代码和注销日期');
    await textareaOf(dialog, 'demand-reason').fill('用于停止办理已注销企业的社保登记业务');
    await choose(user, 'demand-provider', '上饶市市场监督管理局', '市场监督');
    const filed = await expectCall(user, 'POST', '/api/catalog/demands', () =>
      dialog.getByTestId('demand-save').click(),
    );
    expect(filed.status()).toBe(201);
    await expect.poll(() => rowsWith(user, 'demand-table', title).innerText()).toContain('待处理');
    await user.context().close();

    const admin = await e2e.login('admin');
    await admin.getByTestId('menu-catalog-demands').click();
    const row = rowsWith(admin, 'demand-table', title);
    await expect.poll(() => row.count()).toBe(1);
    await row.locator('.el-checkbox').click();
    await admin.getByTestId('demand-aggregate').click();
    const agg = admin.getByTestId('aggregate-dialog');
    await expect
      .poll(() => agg.locator('.el-select[data-testid="aggregate-provider"]').innerText())
      .toContain('上饶市市场监督管理局');
    await agg.getByTestId('aggregate-due').locator('input').fill('2099-12-31');
    await agg.getByTestId('aggregate-due').locator('input').press('Enter');
    const created = await expectCall(admin, 'POST', '/api/catalog/responsibilities', () =>
      agg.getByTestId('aggregate-save').click(),
    );
    expect(created.status()).toBe(201);
    expect(JSON.parse(created.request().postData() ?? '{}')).toMatchObject({
      kind: 'catalog',
      dueDate: '2099-12-31',
      description: title,
    });
    await expect.poll(() => rowsWith(admin, 'demand-table', title).innerText()).toContain('已列入责任清单');
    await admin.locator('.el-tabs__item', { hasText: '责任清单' }).click();
    await expect
      .poll(() => rowsWith(admin, 'responsibility-table', title).innerText())
      .toContain('上饶市市场监督管理局');
    expect(await rowsWith(admin, 'responsibility-table', title).innerText()).toContain('2099-12-31');
    await maybeScreenshot(admin, 'catalog-responsibilities');
    await admin.context().close();
  });
});
