import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { permissionsOf } from '../../src/server/platform/auth/service';
import { ROLE_NAMES, type Role } from '../../src/server/platform/rbac/roles';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { choose, expectCall, inputOf, rowsWith, textareaOf } from './ui';

/** The console's menu contract: entry (data-testid menu-<id>) → the permission (or any of several) that shows it. */
const MENU: Array<[id: string, permission: string | string[] | null]> = [
  ['home', null],
  ['catalog-search', 'catalog.read'],
  ['catalog-mine', ['catalog.compile', 'catalog.dept_review']],
  ['catalog-review', ['catalog.dept_review', 'catalog.platform_review']],
  ['catalog-objections', 'catalog.read'],
  ['catalog-demands', 'catalog.read'],
  ['catalog-classes', 'catalog.classify'],
  ['catalog-synonyms', 'catalog.classify'],
  ['sharing-requests', 'sharing.read'],
  ['sharing-grants', 'sharing.read'],
  ['exchange-libraries', 'catalog.read'],
  ['exchange-sources', 'exchange.read'],
  ['gateway-services', 'exchange.data.read'],
  ['gateway-systems', 'gateway.system.manage'],
  ['open-datasets', 'open.read'],
  ['open-applications', 'open.application.read'],
  ['open-requests', 'open.feedback.answer'],
  ['open-feedback', 'open.feedback.answer'],
  ['supervision-assessment', 'supervision.read'],
  ['supervision-indicators', 'supervision.read'],
  ['supervision-violations', 'supervision.read'],
  ['supervision-rectifications', 'supervision.read'],
  ['supervision-circulars', 'supervision.circular.read'],
  ['supervision-compliance', 'compliance.read'],
  // Every role reads regions and departments through the API; the pages are for those who keep them.
  ['regions', 'org.manage'],
  ['departments', 'org.manage'],
  ['users', 'user.read'],
  ['specialists', 'specialist.read'],
  ['training', 'training.read'],
  ['audit', 'audit.read'],
  ['audit-department', 'audit.department.read'],
  ['security', 'audit.settings'],
  ['security-register', 'security.register.read'],
  ['security-trace', 'security.trace'],
  ['calendar', 'calendar.manage'],
  ['inbox', null],
  ['password', null],
];

const expectedMenu = (role: Role) => {
  const perms = new Set<string>(permissionsOf([role]));
  return MENU.filter(([, p]) => p === null || (Array.isArray(p) ? p.some((x) => perms.has(x)) : perms.has(p))).map(
    ([id]) => id,
  );
};

async function menuIds(page: Page): Promise<string[]> {
  const ids = await page
    .locator('[data-testid="side-menu"] [data-testid^="menu-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice(5)));
  return ids;
}

describeBrowser('console: menus, language, working calendar', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const cases: Array<[username: string, role: Role]> = [
    ['admin', 'platform_admin'],
    ['security', 'security_admin'],
    ['auditor', 'auditor'],
    ['scj_zy', 'dept_specialist'],
    ['scj_ld', 'dept_leader'],
    ['scj_yh', 'dept_user'],
  ];

  it.each(cases)('%s (%s) sees exactly the menu its permissions allow', async (username, role) => {
    const page = await e2e.login(username);
    expect(await menuIds(page)).toEqual(expectedMenu(role));
    await expect.poll(() => page.getByTestId('home-roles').innerText()).toContain(ROLE_NAMES[role].zh);
    await maybeScreenshot(page, `home-${username}`);
    await page.context().close();
  });

  it('shows what the requirements promise for the separated roles', async () => {
    const auditor = await e2e.login('auditor');
    const menu = auditor.getByTestId('side-menu');
    await expect.poll(() => menu.innerText()).toContain('审计日志');
    expect(await menu.innerText()).not.toContain('用户管理');
    await auditor.context().close();

    const admin = await e2e.login('admin');
    const adminMenu = admin.getByTestId('side-menu');
    await expect.poll(() => adminMenu.innerText()).toContain('部门管理');
    expect(await adminMenu.innerText()).not.toContain('审计日志');
    // A page the role may not open answers with the 403 page, not a broken screen.
    await admin.goto('/console/audit');
    await admin.getByTestId('forbidden').waitFor();
    await admin.context().close();
  });

  it('switches the menu and header to English and remembers the choice', async () => {
    const page = await e2e.login('admin');
    const menu = page.getByTestId('side-menu');
    await expect.poll(() => menu.innerText()).toContain('部门管理');

    // The menu works from the keyboard: Enter opens it on the first choice, Escape closes it.
    const trigger = page.getByTestId('locale-current').first();
    await trigger.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(':focus').getAttribute('data-testid')).toBe('locale-en');
    expect(await page.getByTestId('locale-zh-CN').isDisabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('menu').waitFor({ state: 'detached' });
    expect(await trigger.getAttribute('aria-expanded')).toBe('false');
    // A click anywhere else closes it too.
    await trigger.click();
    await page.getByRole('menu').waitFor();
    await menu.click({ position: { x: 5, y: 5 } });
    await page.getByRole('menu').waitFor({ state: 'detached' });

    await trigger.click();
    await page.getByTestId('locale-en').click();
    await expect.poll(() => menu.innerText()).toContain('Departments');
    expect(await menu.innerText()).not.toContain('部门管理');
    expect(await page.getByTestId('logout').innerText()).toContain('Log out');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');

    await page.reload();
    await expect.poll(() => page.getByTestId('side-menu').innerText()).toContain('Users');
    // Element Plus' own texts follow too (pagination says "Total", not 共 n 条).
    await page.getByTestId('menu-departments').click();
    await expect.poll(() => page.getByTestId('pager').innerText()).toMatch(/Total \d+/);
    expect(await page.getByTestId('dept-table').innerText()).toContain('Unified social credit code');
    await maybeScreenshot(page, 'home-admin-en');
    await page.context().close();
  });

  it('warns about missing calendar years and imports a holiday-cn style file', async () => {
    const admin = await e2e.apiAs('admin');
    const before = (await admin('GET', '/api/calendar/status')) as { missingYears: number[] };
    const page = await e2e.login('admin');
    await page.getByTestId('menu-calendar').click();
    await page.getByTestId('calendar-days').waitFor();
    const warnings = page.getByTestId('calendar-warning');
    await expect.poll(() => warnings.count()).toBe(before.missingYears.length);
    for (const y of before.missingYears)
      expect(await warnings.allInnerTexts()).toContainEqual(expect.stringContaining(`缺少${y}年节假日安排`));

    // holiday-cn files carry $schema and papers; the page strips them before the strict API sees them.
    const file = {
      $schema: 'https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/schema.json',
      $id: 'https://raw.githubusercontent.com/NateScarlet/holiday-cn/master/2027.json',
      year: 2027,
      papers: ['https://www.gov.cn/example'],
      days: [
        { name: '元旦', date: '2027-01-01', isOffDay: true },
        { name: '春节', date: '2027-02-06', isOffDay: true },
      ],
    };
    const res = await expectCall(page, 'POST', '/api/calendar/import', () =>
      page
        .getByTestId('calendar-import-file')
        .setInputFiles({ name: '2027.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) }),
    );
    expect(res.status()).toBe(200);
    expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({ year: 2027, days: file.days });
    await expect.poll(() => page.getByTestId('calendar-days').innerText()).toContain('2027-02-06');
    expect(await page.getByTestId('calendar-year-source').innerText()).toBe('导入');
    await expect.poll(async () => (await warnings.allInnerTexts()).join()).not.toContain('缺少2027年');

    // 2027-01-01 is now a holiday (a Friday), so one working day after 2026-12-31 is Monday 4 January.
    await inputOf(page, 'calc-from').fill('2026-12-31');
    await inputOf(page, 'calc-from').press('Enter');
    await inputOf(page, 'calc-n').fill('1');
    await expectCall(page, 'GET', '/api/calendar/working-days', () => page.getByTestId('calc-submit').click());
    await expect.poll(() => page.getByTestId('calc-result').innerText()).toContain('2027-01-04');
    await maybeScreenshot(page, 'calendar');
    await page.context().close();
  });

  it('keeps the security register: the yearly reminders, a drill with its follow-up action, closed', async () => {
    const page = await e2e.login('security');
    await page.getByTestId('menu-security-register').click();
    // The demo's drill was this year; its assessment is nearly a year old.
    await expect.poll(() => page.getByTestId('security-yearly-drill').getAttribute('class')).toContain('success');
    await expect
      .poll(() => page.getByTestId('security-yearly-assessment').innerText())
      .toMatch(/安全测评：上次 \d{4}-\d{2}-\d{2}，须在 \d{4}-\d{2}-\d{2} 前开展/);

    await page.getByTestId('security-create').click();
    const dialog = page.getByTestId('security-record-dialog');
    await choose(page, 'security-kind', '安全保密检查');
    await inputOf(dialog, 'security-title').fill('市委保密办年度保密检查');
    await inputOf(dialog, 'security-conducted-by').fill('市委保密办');
    await textareaOf(dialog, 'security-scope').fill('共享交换平台涉密信息排查');
    await textareaOf(dialog, 'security-findings').fill('一名外包人员未签订保密承诺书');
    await dialog.getByTestId('security-action-add').click();
    const action = dialog.getByTestId('security-action-row');
    await action.locator('input').nth(0).fill('补签保密承诺书');
    await action.locator('input').nth(1).fill('综合科');
    await action.locator('input').nth(2).fill('2099-12-31');
    await action.locator('input').nth(2).press('Enter');
    const saved = await expectCall(page, 'POST', '/api/security/register', () =>
      dialog.getByTestId('security-record-save').click(),
    );
    expect(saved.status()).toBe(201);
    const row = rowsWith(page, 'security-table', '市委保密办年度保密检查');
    await expect.poll(() => row.innerText()).toContain('未完成 1');
    await expect.poll(() => page.getByTestId('security-actions-open').innerText()).toContain('未完成整改 2 项');

    // What was saved opens at once, to be read over or acted on.
    const drawer = page.getByTestId('security-drawer');
    await expect
      .poll(() => drawer.getByTestId('security-detail').innerText())
      .toContain('一名外包人员未签订保密承诺书');
    const actionRow = rowsWith(page, 'security-actions', '补签保密承诺书');
    await actionRow.getByTestId('security-action-complete').click();
    await textareaOf(page.getByTestId('reason-dialog'), 'reason-input').fill('已补签并归档');
    const closed = await expectCall(
      page,
      'POST',
      `/api/security/register/actions/${(await saved.json()).actions[0].id}/complete`,
      () => page.getByTestId('reason-confirm').click(),
    );
    expect(closed.status()).toBe(200);
    await expect.poll(() => actionRow.getByTestId('security-action-done').innerText()).toContain('李华');
    await maybeScreenshot(page, 'security-register');
    await page.context().close();
  });
});
