import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { choose, expectCall, rowsWith } from './ui';

/** A synthetic, check-digit-valid code: 1 (机构编制) 1 (机关) + 信州区 + a random organisation body. */
function validCreditCode(): string {
  const body = `E2${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`;
  return completeCreditCode('11361102', body);
}

describeBrowser('organisation management in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('admin creates a department and then a user in it through the dialogs', async () => {
    const suffix = Date.now().toString(36).slice(-5);
    const deptName = `上饶市数据试点办公室${suffix}`;
    const creditCode = validCreditCode();
    const page = await e2e.login('admin');

    await page.getByTestId('menu-departments').click();
    await page.getByTestId('dept-table').waitFor();
    await page.getByTestId('dept-create').click();
    const dialog = page.getByTestId('department-dialog');
    await dialog.getByTestId('dept-credit-code').fill(creditCode.toLowerCase());
    await dialog.getByTestId('dept-name').fill(deptName);
    await dialog.getByTestId('dept-short-name').fill(`数据试点办${suffix}`);
    await choose(page, 'dept-kind', '政府部门');
    await choose(page, 'dept-region', '信州区');
    await maybeScreenshot(page, 'department-dialog');
    const created = await expectCall(page, 'POST', '/api/departments', () => dialog.getByTestId('dept-save').click());
    expect(created.status()).toBe(201);
    const dept = (await created.json()) as { id: string; creditCode: string; regionCode: string; kind: string };
    // The dialog upper-cases what was typed, as people paste codes in any case.
    expect(dept).toMatchObject({ creditCode, regionCode: '361102', kind: 'government' });
    await dialog.waitFor({ state: 'hidden' });

    await page.getByTestId('dept-search').fill(deptName);
    await expectCall(page, 'GET', '/api/departments', () => page.getByTestId('dept-search-submit').click());
    await expect.poll(() => rowsWith(page, 'dept-table', deptName).count()).toBe(1);
    expect(await rowsWith(page, 'dept-table', deptName).innerText()).toContain(creditCode);

    const username = `pilot_${suffix}`;
    await page.getByTestId('menu-users').click();
    await page.getByTestId('user-table').waitFor();
    await page.getByTestId('user-create').click();
    const userDialog = page.getByTestId('user-dialog');
    await userDialog.getByTestId('user-username').fill(username);
    await userDialog.getByTestId('user-real-name').fill('试点专员');
    await choose(page, 'user-roles', '使用部门人员');
    await userDialog.getByTestId('user-real-name').click(); // closes the multi-select dropdown
    await choose(page, 'user-department', deptName, deptName.slice(0, 8));
    await userDialog.getByTestId('user-password').fill('Pilot#2026abc');
    await maybeScreenshot(page, 'user-dialog');
    const userRes = await expectCall(page, 'POST', '/api/users', () => userDialog.getByTestId('user-save').click());
    expect(userRes.status()).toBe(201);
    expect(await userRes.json()).toMatchObject({ username, departmentId: dept.id, roles: ['dept_user'] });
    await userDialog.waitFor({ state: 'hidden' });

    await page.getByTestId('user-search').fill(username);
    await expectCall(page, 'GET', '/api/users', () => page.getByTestId('user-search-submit').click());
    await expect.poll(() => rowsWith(page, 'user-table', username).count()).toBe(1);
    const row = await rowsWith(page, 'user-table', username).innerText();
    expect(row).toContain(deptName);
    expect(row).toContain('使用部门人员');
    await maybeScreenshot(page, 'users');
    await page.context().close();
  });

  it('rejects an invalid credit code in Chinese and creates nothing', async () => {
    const name = `校验测试部门${Date.now().toString(36).slice(-5)}`;
    const valid = validCreditCode();
    const wrongCheck = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const page = await e2e.login('admin');
    const posts: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/departments') posts.push(r.url());
    });

    await page.getByTestId('menu-departments').click();
    await page.getByTestId('dept-create').click();
    const dialog = page.getByTestId('department-dialog');
    await dialog.getByTestId('dept-name').fill(name);
    await choose(page, 'dept-kind', '事业单位');
    await choose(page, 'dept-region', '上饶市');

    await dialog.getByTestId('dept-credit-code').fill('91361100MA3');
    await dialog.getByTestId('dept-save').click();
    await expect
      .poll(() => dialog.locator('.el-form-item__error').allInnerTexts())
      .toContain('统一社会信用代码应为18位');

    await dialog.getByTestId('dept-credit-code').fill(wrongCheck);
    await dialog.getByTestId('dept-save').click();
    await expect
      .poll(() => dialog.locator('.el-form-item__error').allInnerTexts())
      .toContain('统一社会信用代码校验位（第18位）错误');
    await maybeScreenshot(page, 'credit-code-error');

    await dialog.getByTestId('dept-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(posts).toEqual([]);
    const rows = await e2e.ctx.db.selectFrom('department').select('id').where('name', '=', name).execute();
    expect(rows).toEqual([]);
    await page.context().close();
  });
});
