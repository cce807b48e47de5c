import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { acceptConfirm, expectCall, inputOf, rowsWith, textareaOf } from './ui';
import { startSmtpInbox, type SmtpInbox } from '../helpers/smtp-inbox';
import { demoTableEntries } from '../../src/server/demo/seed-exchange';
import { idNumberCheckChar } from '../../src/shared/org/id-number';

interface OpenEntry {
  entryId: string;
  code: string;
  name: string;
  openType: string;
  providerDepartmentId: string;
}
interface Item {
  name: string;
  fieldName: string | null;
}
type Caller = Awaited<ReturnType<E2E['apiAs']>>;

const PASS = {
  checklist: { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' },
  conclusion: 'pass',
};
const LEADERS = ['scj_ld', 'gaj_ld', 'bdc_ld'];
const SPECIALIST_OF: Record<string, string> = { scj_ld: 'scj_zy', gaj_ld: 'gaj_zy', bdc_ld: 'bdc_zy' };
/** Accounts the test gives a provider the demo has no logins for. */
const NEW_STAFF_PASSWORD = 'Kaifang-Shenpi-2026!';

/**
 * 有条件开放 (R-32, Art 22) in the browser: a citizen registers, confirms the mailed code, signs in
 * from the dataset page, applies through the form and signs the security commitment; the provider's
 * data specialist answers in the console; the applicant sees the approval in 我的申请 and downloads
 * only the approved items. A refusal's basis and reason reach the applicant the same way.
 */
describeBrowser('conditional open data: apply, answer, download', () => {
  let e2e: E2E;
  let inbox: SmtpInbox;
  let ds: OpenEntry;
  let items: Array<{ name: string; field: string }>;
  /** The provider's data specialist: login name and password. */
  let specialist: [string, string];

  beforeAll(async () => {
    inbox = await startSmtpInbox();
    // A few synthetic rows per table, so that the approved download has data.
    e2e = await startE2E({ smtpUrl: inbox.url, demoRows: 0.01 });
    ({ ds, specialist } = await conditionalDataset());
    const r = await e2e.app.inject({ method: 'GET', url: `/api/portal/datasets/${ds.code}` });
    items = (JSON.parse(r.body) as { items: Item[] }).items.flatMap((i) =>
      i.fieldName ? [{ name: i.name, field: i.fieldName }] : [],
    );
    expect(items.length).toBeGreaterThanOrEqual(3);
  });
  afterAll(async () => {
    await e2e?.close();
    await inbox?.close();
  });

  /**
   * A 有条件开放 dataset on the portal with rows loaded, and a specialist of its provider. The demo
   * opens its leader departments' entries, but its conditional ones belong to departments without
   * logins: then the security administrator makes a leader and a specialist for that department,
   * and the dataset goes through both confidentiality reviews with masking for the public.
   */
  async function conditionalDataset(): Promise<{ ds: OpenEntry; specialist: [string, string] }> {
    const admin = await e2e.apiAs('admin');
    const withRows = new Set(demoTableEntries().map((e) => e.input.name));
    const list = async (status: string) =>
      ((await admin('GET', `/api/open/datasets?status=${status}&pageSize=200`)) as { items: OpenEntry[] }).items.filter(
        (d) => d.openType === 'conditional' && withRows.has(d.name),
      );
    const leaders = new Map<string, string>();
    for (const name of LEADERS) {
      const me = (await (await e2e.apiAs(name))('GET', '/api/auth/me')) as { departmentId: string };
      leaders.set(me.departmentId, name);
    }
    const ready = (await list('open')).find((d) => leaders.has(d.providerDepartmentId));
    if (ready)
      return { ds: ready, specialist: [SPECIALIST_OF[leaders.get(ready.providerDepartmentId)!]!, DEMO_PASSWORD] };

    const d = (await list('unreviewed'))[0];
    if (!d) throw new Error('no conditional open demo entry with rows');
    const security = await e2e.apiAs('security');
    for (const [username, role, realName] of [
      ['kf_ld', 'dept_leader', '林审查'],
      ['kf_zy', 'dept_specialist', '郑专员'],
    ] as const) {
      await security('POST', '/api/users', {
        username,
        realName,
        departmentId: d.providerDepartmentId,
        roles: [role],
        password: NEW_STAFF_PASSWORD,
      });
    }
    const leader = await signIn('kf_ld', NEW_STAFF_PASSWORD);
    await leader('POST', `/api/open/datasets/${d.entryId}/reviews`, PASS);
    await maskForThePublic(admin, d.entryId);
    await admin('POST', `/api/open/datasets/${d.entryId}/reviews`, PASS);
    return { ds: d, specialist: ['kf_zy', NEW_STAFF_PASSWORD] };
  }

  /** apiAs for an account whose password is not the demo one. */
  async function signIn(username: string, password: string): Promise<Caller> {
    const res = await e2e.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
    const token = res.cookies.find((c) => c.name === 'gs_session')!.value;
    return async (method, url, payload) => {
      const r = await e2e.app.inject({ method, url, payload: payload as never, cookies: { gs_session: token } });
      if (r.statusCode >= 400) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body}`);
      return r.body ? (JSON.parse(r.body) as unknown) : undefined;
    };
  }

  /** The platform passes a dataset only when every personal or sensitive item has a rule for the open channel. */
  async function maskForThePublic(admin: Caller, entryId: string): Promise<void> {
    const { maskingGaps } = (await admin('GET', `/api/open/datasets/${entryId}`)) as { maskingGaps: string[] };
    if (!maskingGaps.length) return;
    const url = `/api/exchange/entries/${entryId}/masking`;
    const m = (await admin('GET', url)) as {
      items: Array<{ field: string; name: string; configured: Record<string, string | null> }>;
    };
    const rules = m.items.flatMap((i) => [
      ...Object.entries(i.configured).flatMap(([channel, rule]) => (rule ? [{ field: i.field, channel, rule }] : [])),
      ...(maskingGaps.includes(i.name) && !i.configured['open']
        ? [{ field: i.field, channel: 'open', rule: 'redact' }]
        : []),
    ]);
    await admin('PUT', url, rules);
  }

  /** The provider's specialist opens the application from the console's menu and its table. */
  async function openInConsole(no: string): Promise<Page> {
    const page = await e2e.newPage();
    await page.goto('/login');
    await page.getByTestId('login-username').fill(specialist[0]);
    await page.getByTestId('login-password').fill(specialist[1]);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('welcome').waitFor();
    await page.getByTestId('menu-open-applications').click();
    const row = rowsWith(page, 'applications-table', no);
    await row.waitFor();
    expect(await row.getByTestId('applications-row-status').innerText()).toBe('待答复');
    expect(await row.getByTestId('application-due').innerText()).toMatch(/剩余\d+天/);
    await row.getByTestId('applications-row-open').click();
    await page.getByTestId('application-decide-form').waitFor();
    return page;
  }

  /** The CSV's first line, cells unquoted. */
  async function csvHeader(page: Page, testId: string): Promise<string[]> {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
    const first = fs
      .readFileSync(await download.path(), 'utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0]!;
    return first.split(',').map((c) => c.replace(/^"|"$/g, ''));
  }

  it('registers, applies with a signed commitment, is approved for some items and downloads only those', async () => {
    const email = 'sun.yan@example.cn';
    const password = 'Shenqing-2026!';
    const first17 = '36110219920214003';
    const page = await e2e.newPage();

    // Register and confirm with the mailed code.
    await page.goto('/account/register');
    await page.getByTestId('portal-register').waitFor();
    await inputOf(page, 'register-name').fill('孙岩');
    await inputOf(page, 'register-id-number').fill(first17 + idNumberCheckChar(first17));
    await inputOf(page, 'register-contact').fill(email);
    await inputOf(page, 'register-password').fill(password);
    await inputOf(page, 'register-repeat').fill(password);
    await page.getByTestId('register-agree').click();
    await page.getByTestId('register-submit').click();
    await page.getByTestId('code-step').waitFor();
    await expect.poll(() => inbox.mails.filter((m) => m.to.includes(email)).length).toBe(1);
    await inputOf(page, 'code-input').fill(inbox.codeFor(email));
    await page.getByTestId('code-submit').click();
    await page.getByTestId('portal-login').waitFor();

    // The dataset page asks a visitor to sign in and brings them back.
    await page.goto(`/datasets/${ds.code}`);
    await page.getByTestId('apply-login').click();
    await page.getByTestId('portal-login').waitFor();
    await inputOf(page, 'login-username').fill(email);
    await inputOf(page, 'login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL((u) => u.pathname === `/datasets/${ds.code}`);
    expect(await page.getByTestId('portal-downloads').count()).toBe(0);

    // The form: the commitment is signed with the registered name only.
    await page.getByTestId('portal-dataset-apply').click();
    const dialog = page.getByTestId('apply-dialog');
    await dialog.getByTestId('apply-commitment').waitFor();
    expect(await dialog.getByTestId('apply-commitment').innerText()).toContain('不向第三方提供');
    await page.getByTestId('apply-submit').click();
    await expect.poll(() => dialog.getByText('请填写数据用途').count()).toBe(1);
    expect(await dialog.getByText('请输入本人姓名签署承诺书').count()).toBe(1);
    await textareaOf(dialog, 'apply-purpose').fill('地质灾害风险研究');
    await textareaOf(dialog, 'apply-scenario').fill('高校课题组做统计分析，不对外发布个体数据');
    const [asked, notAsked] = [items.slice(0, -1), items[items.length - 1]!];
    await dialog.getByTestId(`apply-field-${notAsked.field}`).click();
    await inputOf(dialog, 'apply-signature').fill('孙燕');
    await textareaOf(dialog, 'apply-purpose').click();
    await expect.poll(() => dialog.getByText('签名须与注册的本人姓名“孙岩”一致').count()).toBe(1);
    await inputOf(dialog, 'apply-signature').fill('孙岩');
    await maybeScreenshot(page, 'portal-apply-dialog');
    const filed = await expectCall(page, 'POST', `/api/portal/datasets/${ds.code}/applications`, () =>
      page.getByTestId('apply-submit').click(),
    );
    expect(filed.status()).toBe(200);
    const application = (await filed.json()) as { id: string; no: string; fields: Array<{ field: string }> };
    expect(application.fields.map((f) => f.field)).toEqual(asked.map((i) => i.field));
    await expect.poll(() => page.getByTestId('apply-mine-status').innerText()).toBe('待答复');
    expect(await page.getByTestId('apply-mine').innerText()).toContain(application.no);
    expect(await page.getByTestId('portal-dataset-apply').count()).toBe(0);

    // The provider approves all but the first item asked for.
    const desk = await openInConsole(application.no);
    const dlg = desk.getByTestId('application-dialog');
    expect(await dlg.getByTestId('application-dialog-fields').innerText()).toBe(asked.map((i) => i.name).join('、'));
    expect(await dlg.innerText()).toContain('孙岩');
    await dlg.getByTestId(`application-field-${asked[0]!.field}`).click();
    await maybeScreenshot(desk, 'console-application');
    await dlg.getByTestId('application-decide-submit').click();
    const decided = await expectCall(desk, 'POST', `/api/open/applications/${application.id}/decision`, () =>
      acceptConfirm(desk),
    );
    expect(decided.status()).toBe(200);
    await expect.poll(() => dlg.getByTestId('application-dialog-status').innerText()).toBe('已同意');
    const approved = asked.slice(1);
    await desk.context().close();

    // The applicant sees the approval in 我的申请 and downloads the approved items only.
    await page.goto('/me');
    await page.getByTestId('portal-me-nav-applications').click();
    const mine = page.getByTestId('me-application').filter({ hasText: application.no });
    await expect.poll(() => mine.getByTestId('me-application-status').innerText()).toBe('已同意');
    expect(await mine.getByTestId('me-application-approved').innerText()).toContain(
      approved.map((i) => i.name).join('、'),
    );
    await maybeScreenshot(page, 'portal-me-applications');
    expect(await csvHeader(page, 'me-application-download-csv')).toEqual(approved.map((i) => i.name));

    // The dataset page now previews and offers the downloads to this reader.
    await mine.getByRole('link', { name: ds.name }).click();
    await page.getByTestId('portal-downloads').waitFor();
    await page.getByTestId('portal-preview-table').waitFor();
    expect(await page.getByTestId('apply-mine-status').innerText()).toBe('已同意');

    // 成效反馈 afterwards.
    await page.getByTestId('apply-mine-link').click();
    await mine.getByTestId('me-application-report-open').click();
    await textareaOf(mine, 'me-application-report-input').fill('完成了全市地质灾害隐患分布的统计分析报告');
    await mine.getByTestId('me-application-report-save').click();
    await expect.poll(() => mine.getByTestId('me-application-report').innerText()).toContain('统计分析报告');
    await page.context().close();
  });

  it('shows a refusal’s basis and reason to the applicant, on a phone', async () => {
    // The demo's public user (real-name verified) applies through the API; the answer is the point here.
    const applicant = await e2e.apiAs('public');
    const { no } = (await applicant('POST', `/api/portal/datasets/${ds.code}/applications`, {
      purpose: '商业选址参考',
      scenario: '房地产项目选址时查看周边隐患点',
      fields: [items[0]!.field],
      wantedUntil: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
      commitmentSignedName: '吴刚',
    })) as { no: string };

    const desk = await openInConsole(no);
    const dlg = desk.getByTestId('application-dialog');
    await dlg.getByTestId('application-refuse').click();
    await dlg.getByTestId('application-decide-submit').click();
    await expect.poll(() => dlg.getByText('请填写不予开放的依据').count()).toBe(1);
    expect(await dlg.getByText('请填写不予开放的理由').count()).toBe(1);
    await textareaOf(dlg, 'application-basis').fill('《上饶市公共数据开放管理办法》第二十二条');
    await textareaOf(dlg, 'application-reason').fill('申请用途为商业选址，超出本数据集限定的防灾减灾和科研用途');
    await dlg.getByTestId('application-decide-submit').click();
    await acceptConfirm(desk);
    await expect.poll(() => dlg.getByTestId('application-dialog-status').innerText()).toBe('不予开放');
    await desk.context().close();

    const context = await e2e.phoneContext();
    try {
      const page = await context.newPage();
      await page.goto('/account/login?redirect=/me/applications');
      await inputOf(page, 'login-username').fill('public');
      await inputOf(page, 'login-password').fill(DEMO_PASSWORD);
      await page.getByTestId('login-submit').click();
      const mine = page.getByTestId('me-application').filter({ hasText: no });
      const refused = mine.getByTestId('me-application-refused');
      await refused.waitFor();
      expect(await refused.innerText()).toContain('第二十二条');
      expect(await refused.innerText()).toContain('超出本数据集限定的防灾减灾和科研用途');
      expect(await mine.getByTestId('me-application-withdraw').count()).toBe(0);
      // The page's own content fits the phone's width (the centre's side menu is MeLayout's concern).
      const fits = await page.getByTestId('me-applications').evaluate((el) => {
        const e = el as unknown as { scrollWidth: number; clientWidth: number };
        return e.scrollWidth <= e.clientWidth;
      });
      expect(fits).toBe(true);
      await maybeScreenshot(page, 'portal-me-applications-phone');
    } finally {
      await context.close();
    }
  });
});
