import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { SCJ } from '../../src/server/demo/departments';
import { verifyArchive } from '../../src/server/platform/audit/archive';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall, inputOf, rowsWith } from './ui';

describeBrowser('audit log in the browser', () => {
  let e2e: E2E;
  let deptId: string;
  let userId: string;
  const suffix = Date.now().toString(36).slice(-5);
  const deptName = `上饶市审计测试办公室${suffix}`;

  beforeAll(async () => {
    e2e = await startE2E();
    // The platform administrator's actions the auditor will look for, made through the real API.
    const admin = await e2e.apiAs('admin');
    const dept = (await admin('POST', '/api/departments', {
      creditCode: completeCreditCode('11361100', `AU${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`),
      name: deptName,
      kind: 'government',
      regionCode: '361100',
    })) as { id: string };
    deptId = dept.id;
    const user = (await admin('POST', '/api/users', {
      username: `audit_${suffix}`,
      realName: '审计对象',
      roles: ['dept_user'],
      departmentId: deptId,
      password: 'Audit#2026xyz',
    })) as { id: string };
    userId = user.id;
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the auditor finds the department and user creation by the platform administrator', async () => {
    const page = await e2e.login('auditor');
    await page.getByTestId('menu-audit').click();
    await page.getByTestId('audit-table').waitFor();

    for (const [action, label, target] of [
      ['org.department.create', '新增部门', deptName],
      ['org.user.create', '新增用户', `审计对象（audit_${suffix}）`],
    ] as const) {
      await page.getByTestId('audit-keyword').fill(action);
      const res = await expectCall(page, 'GET', '/api/audit/events', () => page.getByTestId('audit-search').click());
      expect(new URL(res.url()).searchParams.get('q')).toBe(action);
      // The search is in the page's URL, so it can be bookmarked or linked to.
      await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(action);
      // The target by the name it had when the event was written, the action by its label (code in a tooltip).
      const rows = rowsWith(page, 'audit-table', target);
      await expect.poll(() => rows.count()).toBe(1);
      const text = await rows.innerText();
      expect(text).toContain(label);
      expect(text).not.toContain(action);
      expect(await rows.getByTestId('audit-row-action').getAttribute('data-action')).toBe(action);
      expect(text).toContain('admin / 张明');
      expect(text).toContain('管理'); // category shown by its Chinese name
      expect(text).toContain('成功');
    }
    // The ids are one click away, in the row's detail.
    const row = rowsWith(page, 'audit-table', `审计对象（audit_${suffix}）`);
    await row.locator('.el-table__expand-icon').click();
    await expect.poll(() => page.getByTestId('audit-table').innerText()).toContain(`user ${userId}`);
    await maybeScreenshot(page, 'audit');
    await page.context().close();
  });

  it('verifies the hash chain and exports the filtered log as CSV', async () => {
    const page = await e2e.login('auditor');
    await page.getByTestId('menu-audit').click();
    await page.getByTestId('audit-table').waitFor();

    await expectCall(page, 'POST', '/api/audit/verify', () => page.getByTestId('audit-verify').click());
    await expect.poll(() => page.getByTestId('audit-verify-result').innerText()).toContain('校验通过');

    await page.getByTestId('audit-keyword').fill('org.department.create');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-export').click()]);
    expect(new URL(download.url()).searchParams.get('q')).toBe('org.department.create');
    const file = await download.path();
    const csv = fs.readFileSync(file, 'utf8');
    expect(csv.split('\n')[0]).toContain('操作类别');
    expect(csv).toContain(deptId);
    expect(csv).toContain(deptName);
    expect(csv).toContain('新增部门');
    expect(csv).not.toContain('org.user.create');
    await page.context().close();
  });

  it('opens the events of a catalog resource with one click from its page', async () => {
    const auditor = await e2e.apiAs('auditor');
    const hit = (
      (await auditor('GET', '/api/catalog/search?pageSize=1')) as {
        items: Array<{ entryId: string; code: string; name: string }>;
      }
    ).items[0]!;
    const page = await e2e.login('auditor');
    await page.goto(`/console/catalog/entries/${hit.entryId}`);
    await page.getByTestId('entry-detail').waitFor();
    await maybeScreenshot(page, 'audit-link-entry');
    const res = await expectCall(page, 'GET', '/api/audit/events', () => page.getByTestId('audit-events-link').click());
    expect(new URL(res.url()).searchParams.get('q')).toBe(hit.code);
    await page.getByTestId('audit-table').waitFor();
    expect(await inputOf(page, 'audit-keyword').inputValue()).toBe(hit.code);
    // Opening the page was itself an event: the auditor's read, named by the resource and its code.
    const read = rowsWith(page, 'audit-table', '查看目录').filter({ hasText: 'auditor / 王芳' });
    await expect.poll(() => read.count()).toBeGreaterThan(0);
    expect(await read.first().innerText()).toContain(`${hit.name}（${hit.code}）`);
    await page.context().close();
  });

  it('follows a request and a grant to their events: the auditor reads both pages without an error', async () => {
    const auditor = await e2e.apiAs('auditor');
    type Page = { items: Array<{ id: string; no: string }> };
    const request = ((await auditor('GET', '/api/sharing/requests?pageSize=1')) as Page).items[0]!;
    const grant = ((await auditor('GET', '/api/sharing/grants?pageSize=1')) as Page).items[0]!;
    const ACTIONS = ['request-action', 'request-withdraw', 'grant-revoke', 'grant-renew']
      .map((x) => `[data-testid="${x}"]`)
      .join(', ');
    const page = await e2e.login('auditor');
    const failures: string[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/api/') && res.status() >= 400) failures.push(`${res.status()} ${res.url()}`);
    });
    for (const [path, testId, no] of [
      [`/console/sharing/requests/${request.id}`, 'request-detail', request.no],
      [`/console/sharing/grants/${grant.id}`, 'grant-detail', grant.no],
    ] as const) {
      await page.goto(path);
      await page.getByTestId(testId).waitFor();
      // Read only: no action the auditor could take on the record.
      expect(await page.locator(ACTIONS).count()).toBe(0);
      const res = await expectCall(page, 'GET', '/api/audit/events', () =>
        page.getByTestId('audit-events-link').click(),
      );
      expect(new URL(res.url()).searchParams.get('q')).toBe(no);
      const rows = rowsWith(page, 'audit-table', no);
      await expect.poll(() => rows.count()).toBeGreaterThan(0);
    }
    // From an event's grant number back to the grant: the list finds it by number.
    await page.goto('/console/sharing/grants');
    await inputOf(page, 'grant-q').fill(grant.no);
    await expectCall(page, 'GET', '/api/sharing/grants', () => page.getByTestId('grant-search').click());
    await expect.poll(() => page.getByTestId('grant-row-link').allInnerTexts()).toEqual([grant.no]);
    expect(failures).toEqual([]);
    expect(await page.locator('.el-message--error').count()).toBe(0);
    await page.context().close();
  });

  it('shows a department the use of its data by another department, exported as a signed archive (R-42)', async () => {
    const entry = await e2e.ctx.db
      .selectFrom('catalog_entry as e')
      .innerJoin('department as d', 'd.id', 'e.provider_department_id')
      .select('e.id')
      .where('d.name', '=', SCJ)
      .where('e.status', '=', 'published')
      .executeTakeFirstOrThrow();
    // 人社局's 数据专员 reads a resource of 市场监管局: an event about 市场监管局's data.
    await (
      await e2e.apiAs('rsj_zy')
    )('GET', `/api/catalog/entries/${entry.id}`);

    const page = await e2e.login('scj_ld');
    await page.getByTestId('menu-audit-department').click();
    await page.getByTestId('audit-table').waitFor();
    await page.getByTestId('audit-keyword').fill('catalog.entry.read');
    await expectCall(page, 'GET', '/api/audit/department/events', () => page.getByTestId('audit-search').click());
    const read = rowsWith(page, 'audit-table', 'rsj_zy / 赵磊');
    await expect.poll(() => read.count()).toBeGreaterThan(0);
    await page.getByTestId('digest-panel').waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('audit-archive').click()]);
    const report = await verifyArchive(fs.createReadStream(await download.path()));
    expect(report).toMatchObject({ ok: true, problems: [] });
    expect(report.count).toBeGreaterThan(0);

    await inputOf(page, 'digest-webhook').fill('https://scj.example.gov.cn/govshare/digests');
    const saved = await expectCall(page, 'PUT', '/api/audit/department/webhook', () =>
      page.getByTestId('digest-webhook-save').click(),
    );
    expect(saved.status()).toBe(200);
    await maybeScreenshot(page, 'audit-department');
    await page.context().close();
  });
});
