import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, maybeScreenshot, MovableClock, startE2E, type E2E } from './harness';
import { acceptConfirm, countCalls, expectCall, inputOf, rowsWith, textareaOf } from './ui';

/**
 * Issue 4, acceptance point 7: applying for shared resources and the review workflow, in Chromium.
 * Demo data: 企业登记信息 (市场监管局, 无条件共享) and 社会保险参保信息 (人社局, 有条件共享). The
 * demo has no published conditional 市场监管局 entry, and a department may have one request at a time
 * per entry, so the conditional flows each publish a fresh one through the API.
 */

/** Digits only, so jieba keeps them apart from the Chinese words around them. */
const suffix = () =>
  String(Date.now() % 1_000_000).padStart(6, '0') + String(Math.floor(Math.random() * 100)).padStart(2, '0');
/** A 1×1 PNG: the server checks a letter's type by its content, so it must be a real image. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const DAY = 86_400_000;

describeBrowser('sharing: apply, review and grants in the browser', () => {
  let e2e: E2E;
  const clock = new MovableClock();
  beforeAll(async () => {
    e2e = await startE2E({}, { clock });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** The id of a published demo entry, by its exact name. */
  async function demoEntry(name: string): Promise<string> {
    const r = (await (
      await e2e.apiAs('admin')
    )('GET', `/api/catalog/search?q=${encodeURIComponent(name)}&pageSize=50`)) as {
      items: Array<{ entryId: string; name: string }>;
    };
    const hit = r.items.find((i) => i.name.replace(/<[^>]+>/g, '') === name);
    if (!hit) throw new Error(`demo entry ${name} not found`);
    return hit.entryId;
  }

  /** A published 有条件共享 entry of 市场监管局 with three items, made as specialist, leader and administrator would. */
  async function conditionalEntry(name: string): Promise<string> {
    const spec = await e2e.apiAs('scj_zy');
    const entry = (await spec('POST', '/api/catalog/entries', {
      classCode: '102',
      name,
      summary: `${name}，含统一社会信用代码、企业名称和登记日期。`,
      formatKind: 'database',
      shareType: 'conditional',
      shareCondition: '依据《企业信息公示暂行条例》，仅向依法履职的部门提供。',
      shareMethods: ['table', 'api'],
      updateCycle: 'daily',
      items: [
        { name: '统一社会信用代码', fieldName: 'uscc', dataType: 'C', length: 18 },
        { name: '企业名称', fieldName: 'ent_name', dataType: 'C', length: 200 },
        { name: '登记日期', fieldName: 'registered_on', dataType: 'D' },
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

  /** Fills the apply dialog on an entry page and submits it; returns the created request's id. */
  async function applyFor(
    page: Page,
    entryId: string,
    o: { purpose: string; system: string; letter?: boolean },
  ): Promise<{ id: string; status: string }> {
    await page.goto(`/console/catalog/entries/${entryId}`);
    await page.getByTestId('entry-apply').click();
    const dialog = page.getByTestId('apply-dialog');
    await textareaOf(dialog, 'request-purpose').fill(o.purpose);
    await inputOf(dialog, 'request-system').fill(o.system);
    if (o.letter) await uploadLetter(page);
    await dialog.getByTestId('apply-accept').click();
    const res = await expectCall(page, 'POST', '/api/sharing/requests', () =>
      dialog.getByTestId('apply-submit').click(),
    );
    expect(res.status()).toBe(201);
    return (await res.json()) as { id: string; status: string };
  }

  async function uploadLetter(page: Page): Promise<void> {
    const dialog = page.getByTestId('apply-dialog');
    const up = await expectCall(page, 'POST', '/api/sharing/letters', () =>
      dialog.getByTestId('letter-file').setInputFiles({ name: '申请函.png', mimeType: 'image/png', buffer: PNG }),
    );
    expect(up.status()).toBe(201);
    await dialog.getByTestId('letter-name').waitFor();
  }

  it('a: a department gets an unconditional grant in one step', async () => {
    const entryId = await demoEntry('企业登记信息');
    const page = await e2e.login('rsj_yh');
    await page.goto(`/console/catalog/entries/${entryId}`);
    // The provider's data specialist is named on the page (from apply-info).
    await expect.poll(() => page.getByTestId('entry-contact').innerText()).toContain('刘洋');
    await page.getByTestId('entry-apply').click();
    const dialog = page.getByTestId('apply-dialog');
    expect(await dialog.getByTestId('apply-kind').innerText()).toContain('立即获得授权');
    // Every requestable item starts checked; an unconditional request needs no letter.
    const items = dialog.getByTestId('request-item');
    expect(await items.count()).toBeGreaterThan(5);
    expect(await dialog.locator('[data-testid="request-item"].is-checked').count()).toBe(await items.count());
    expect(await dialog.getByTestId('letter-upload').count()).toBe(0);

    await textareaOf(dialog, 'request-purpose').fill('企业参保登记时核验企业登记信息');
    await inputOf(dialog, 'request-system').fill('上饶市社会保险经办系统');
    // The terms must be accepted: refused in the browser, nothing sent.
    const sent = countCalls(page, 'POST', '/api/sharing/requests');
    await dialog.getByTestId('apply-submit').click();
    await expect.poll(() => dialog.getByTestId('apply-accept-error').innerText()).toContain('同意使用条款');
    expect(sent()).toBe(0);

    await dialog.getByTestId('apply-accept').click();
    const res = await expectCall(page, 'POST', '/api/sharing/requests', () =>
      dialog.getByTestId('apply-submit').click(),
    );
    expect(res.status()).toBe(201);
    const body = (await res.json()) as { status: string; grant: { id: string; no: string } };
    expect(body.status).toBe('approved');
    await expect.poll(() => dialog.getByTestId('apply-granted').innerText()).toContain(body.grant.no);
    await dialog.getByTestId('apply-grant-link').click();
    await page.waitForURL(`**/console/sharing/grants/${body.grant.id}`);
    await expect.poll(() => page.getByTestId('grant-status').first().innerText()).toBe('有效');
    expect(await page.getByTestId('grant-items').innerText()).toContain('统一社会信用代码');
    expect(await page.getByTestId('grant-events').innerText()).toContain('授权');
    await maybeScreenshot(page, 'sharing-grant');

    // Back on the entry page the grant is shown instead of the apply button.
    await page.goto(`/console/catalog/entries/${entryId}`);
    await expect.poll(() => page.getByTestId('apply-existing').innerText()).toContain(body.grant.no);
    expect(await page.getByTestId('entry-apply').count()).toBe(0);
    await page.context().close();
  });

  it('a 不予共享 entry shows its basis instead of the apply button', async () => {
    const entryId = await demoEntry('收养登记信息');
    const page = await e2e.login('rsj_yh');
    await page.goto(`/console/catalog/entries/${entryId}`);
    await expect.poll(() => page.getByTestId('apply-basis').innerText()).toContain('民法典');
    expect(await page.getByTestId('entry-apply').count()).toBe(0);
    await page.context().close();
  });

  it('b: a conditional request is forwarded by the platform and approved with fewer items by the provider', async () => {
    const name = `企业年报公示信息${suffix()}`;
    const entryId = await conditionalEntry(name);
    const consumer = await e2e.login('rsj_yh');
    await consumer.goto(`/console/catalog/entries/${entryId}`);
    await consumer.getByTestId('entry-apply').click();
    const dialog = consumer.getByTestId('apply-dialog');
    const kind = await dialog.getByTestId('apply-kind').innerText();
    expect(kind).toContain('有条件共享');
    expect(kind).toContain('平台初审3个工作日');
    expect(kind).toContain('提供方审核10个工作日');
    await textareaOf(dialog, 'request-purpose').fill('核验参保企业的年报信息');
    await inputOf(dialog, 'request-system').fill('上饶市社会保险经办系统');
    await dialog.getByTestId('apply-accept').click();
    // No letter yet: the field says so and nothing is sent.
    const sent = countCalls(consumer, 'POST', '/api/sharing/requests');
    await dialog.getByTestId('apply-submit').click();
    await expect.poll(() => dialog.locator('.el-form-item.is-error').innerText()).toContain('申请函');
    expect(sent()).toBe(0);
    await uploadLetter(consumer);
    await maybeScreenshot(consumer, 'sharing-apply-dialog');
    const res = await expectCall(consumer, 'POST', '/api/sharing/requests', () =>
      dialog.getByTestId('apply-submit').click(),
    );
    expect(res.status()).toBe(201);
    const request = (await res.json()) as { id: string; no: string };
    // A conditional request lands on its own page, waiting for the platform with its deadline.
    await consumer.waitForURL(`**/console/sharing/requests/${request.id}`);
    await expect.poll(() => consumer.getByTestId('request-status').innerText()).toBe('待平台初审');
    expect(await consumer.getByTestId('request-current').innerText()).toMatch(/剩余 \d+ 天|今日到期/);
    await consumer.context().close();

    const admin = await e2e.login('admin');
    await admin.getByTestId('menu-sharing-requests').click();
    const row = rowsWith(admin, 'request-table', name);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/剩余 \d+ 天|今日到期/);
    await maybeScreenshot(admin, 'sharing-prereview-queue');
    await row.getByTestId('request-link').click();
    await admin.getByTestId('prereview-panel').waitFor();
    // The sealed letter can be downloaded by the reviewer.
    const href = await admin.getByTestId('request-letter').getAttribute('href');
    expect((await admin.request.get(href!)).status()).toBe(200);
    // Forwarding ends the platform's step: it asks first, naming who answers next.
    await admin.getByTestId('prereview-forward').click();
    await expect.poll(() => admin.locator('.gs-confirm').innerText()).toContain('市场监督管理局');
    const fwd = await expectCall(admin, 'POST', `/api/sharing/requests/${request.id}/prereview`, () =>
      acceptConfirm(admin),
    );
    expect(JSON.parse(fwd.request().postData() ?? '{}')).toEqual({ decision: 'forward' });
    await expect.poll(() => admin.getByTestId('request-status').innerText()).toBe('待提供方审核');
    await admin.context().close();

    const provider = await e2e.login('scj_zy');
    await provider.goto('/console/sharing/requests?box=incoming');
    const incoming = rowsWith(provider, 'request-table', name);
    await expect.poll(() => incoming.count()).toBe(1);
    await incoming.getByTestId('request-link').click();
    const panel = provider.getByTestId('decision-panel');
    await panel.waitFor();
    await panel.getByTestId('decision-item').filter({ hasText: '登记日期' }).click();
    await textareaOf(panel, 'decision-conditions').fill('仅限参保登记核验使用');
    // Terms: by service API, at most 5,000 rows a day, from the consumer's network only.
    await panel.getByTestId('decision-method-api').click();
    const cap = panel.getByTestId('decision-row-cap').locator('input');
    await cap.fill('5000');
    await cap.press('Tab');
    await textareaOf(panel, 'decision-ip-ranges').fill('10.20.0.0/16');
    await panel.getByTestId('decision-submit').click();
    // Approval creates a grant at once: the confirmation says so before anything is sent.
    await expect.poll(() => provider.locator('.gs-confirm').innerText()).toContain('批准后将生成共享授权');
    const decided = await expectCall(provider, 'POST', `/api/sharing/requests/${request.id}/decision`, () =>
      acceptConfirm(provider),
    );
    expect(decided.status()).toBe(200);
    const sentBody = JSON.parse(decided.request().postData() ?? '{}') as { itemIds: string[]; terms: unknown };
    expect(sentBody.itemIds).toHaveLength(2);
    expect(sentBody.terms).toEqual({ dailyRowCap: 5000, ipRanges: ['10.20.0.0/16'] });
    await expect.poll(() => provider.getByTestId('request-status').innerText()).toBe('已批准');
    await maybeScreenshot(provider, 'sharing-approved-request');
    await provider.context().close();

    const back = await e2e.login('rsj_yh');
    await back.getByTestId('menu-sharing-grants').click();
    const grantRow = rowsWith(back, 'grant-table', name);
    await expect.poll(() => grantRow.count()).toBe(1);
    await grantRow.getByTestId('grant-open').click();
    await back.getByTestId('grant-detail').waitFor();
    await expect.poll(() => back.getByTestId('grant-items').innerText()).toContain('企业名称');
    const granted = await back.getByTestId('grant-items').innerText();
    expect(granted).toContain('统一社会信用代码');
    expect(granted).not.toContain('登记日期');
    expect(await back.getByTestId('grant-conditions').innerText()).toContain('仅限参保登记核验使用');
    const terms = await back.getByTestId('grant-terms').innerText();
    expect(terms).toContain('每日最多 5,000 行');
    expect(terms).toContain('仅限 IP：10.20.0.0/16');
    await maybeScreenshot(back, 'sharing-narrowed-grant');
    await back.context().close();
  });

  it('c: the platform returns a request for supplement, the applicant reads the reason and resubmits', async () => {
    const name = `企业注销登记信息${suffix()}`;
    const entryId = await conditionalEntry(name);
    const consumer = await e2e.login('rsj_yh');
    const request = await applyFor(consumer, entryId, {
      purpose: '停办已注销企业的社保登记',
      system: '社保经办系统',
      letter: true,
    });
    expect(request.status).toBe('prereview');
    await consumer.context().close();

    const reason = `申请函未写明使用期限，请补充（${suffix()}）`;
    const admin = await e2e.login('admin');
    await admin.goto(`/console/sharing/requests/${request.id}`);
    await admin.getByTestId('prereview-return').click();
    const dialog = admin.getByTestId('reason-dialog');
    expect(await dialog.getByTestId('reason-consequence').innerText()).toContain('重新提交');
    await textareaOf(dialog, 'reason-input').fill(reason);
    const returned = await expectCall(admin, 'POST', `/api/sharing/requests/${request.id}/prereview`, () =>
      dialog.getByTestId('reason-confirm').click(),
    );
    expect(JSON.parse(returned.request().postData() ?? '{}')).toEqual({ decision: 'return', reason });
    await expect.poll(() => admin.getByTestId('request-status').innerText()).toBe('退回补充');

    const user = await e2e.login('rsj_yh');
    await user.getByTestId('menu-sharing-requests').click();
    const row = rowsWith(user, 'request-table', name);
    await expect.poll(() => row.innerText()).toContain('退回补充');
    await row.getByTestId('request-link').click();
    await expect.poll(() => user.getByTestId('request-return-reason').innerText()).toBe(reason);
    const panel = user.getByTestId('resubmit-panel');
    // The form starts from what was sent.
    expect(await textareaOf(panel, 'request-purpose').inputValue()).toBe('停办已注销企业的社保登记');
    await textareaOf(panel, 'request-purpose').fill('停办已注销企业的社保登记，使用期限一年');
    const put = await expectCall(user, 'PUT', `/api/sharing/requests/${request.id}`, () =>
      panel.getByTestId('resubmit-submit').click(),
    );
    expect(put.status()).toBe(200);
    await expect.poll(() => user.getByTestId('request-status').innerText()).toBe('待平台初审');
    expect(await user.getByTestId('request-steps').innerText()).toContain('第2轮');
    await user.context().close();

    await admin.getByTestId('menu-sharing-requests').click();
    const queued = rowsWith(admin, 'request-table', name);
    await expect.poll(() => queued.innerText()).toContain('待平台初审');
    await admin.context().close();
  });

  it('d: a provider cannot refuse without a basis', async () => {
    // 人社局's conditional demo entry, asked for by 市场监管局.
    const entryId = await demoEntry('社会保险参保信息');
    const consumer = await e2e.login('scj_yh');
    const request = await applyFor(consumer, entryId, {
      purpose: '企业信用监管中核验参保人数',
      system: '上饶市市场主体信用监管系统',
      letter: true,
    });
    await consumer.context().close();
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/sharing/requests/${request.id}/prereview`, { decision: 'forward' });

    const provider = await e2e.login('rsj_zy');
    await provider.goto(`/console/sharing/requests/${request.id}`);
    const panel = provider.getByTestId('decision-panel');
    await panel.getByTestId('decision-reject').click();
    await textareaOf(panel, 'decision-reason').fill('涉及个人社保缴费明细，超出履职所需');
    const sent = countCalls(provider, 'POST', `/api/sharing/requests/${request.id}/decision`);
    await panel.getByTestId('decision-submit').click();
    await expect
      .poll(() => panel.getByTestId('decision-basis-item').locator('.el-form-item__error').innerText())
      .toBe('拒绝共享须说明依据');
    expect(sent()).toBe(0);
    await maybeScreenshot(provider, 'sharing-reject-validation');

    await textareaOf(panel, 'decision-basis').fill('《中华人民共和国社会保险法》第八十一条');
    await panel.getByTestId('decision-submit').click();
    await expect.poll(() => provider.locator('.gs-confirm').innerText()).toContain('申请即告结束');
    const res = await expectCall(provider, 'POST', `/api/sharing/requests/${request.id}/decision`, () =>
      acceptConfirm(provider),
    );
    expect(res.status()).toBe(200);
    await expect.poll(() => provider.getByTestId('request-status').innerText()).toBe('已驳回');
    expect(await provider.getByTestId('request-rejected').innerText()).toContain('第八十一条');
    await provider.context().close();
  });

  it('e: a waiting step shows as overdue once the clock passes its deadline', async () => {
    const name = `企业股权出质登记信息${suffix()}`;
    const entryId = await conditionalEntry(name);
    const consumer = await e2e.login('rsj_yh');
    const request = await applyFor(consumer, entryId, {
      purpose: '核验企业股权出质情况',
      system: '社保经办系统',
      letter: true,
    });
    await consumer.goto('/console/sharing/requests');
    await expect.poll(() => rowsWith(consumer, 'request-table', name).innerText()).toMatch(/剩余 \d+ 天|今日到期/);
    await consumer.context().close();

    // Three working days of pre-review are over long before fifteen calendar days.
    clock.advance(15 * DAY);
    try {
      // The old sessions idled out while the clock moved; sign in again.
      const admin = await e2e.login('admin');
      await admin.getByTestId('menu-sharing-requests').click();
      await admin.getByTestId('request-overdue-filter').click();
      await expectCall(
        admin,
        'GET',
        '/api/sharing/requests',
        () => admin.getByTestId('request-search').click(),
        (u) => u.searchParams.get('overdue') === 'true',
      );
      const row = rowsWith(admin, 'request-table', name);
      await expect.poll(() => row.getByTestId('due-overdue').innerText()).toBe('已逾期');
      await row.getByTestId('request-link').click();
      await admin.waitForURL(`**/console/sharing/requests/${request.id}`);
      await expect
        .poll(() => admin.getByTestId('request-current').getByTestId('due-overdue').innerText())
        .toBe('已逾期');
      await maybeScreenshot(admin, 'sharing-overdue');
      await admin.context().close();
    } finally {
      clock.reset();
    }
  });

  it('the applicant withdraws a request after confirming', async () => {
    const name = `企业名称变更登记信息${suffix()}`;
    const entryId = await conditionalEntry(name);
    const page = await e2e.login('rsj_yh');
    const request = await applyFor(page, entryId, {
      purpose: '更新参保单位名称',
      system: '社保经办系统',
      letter: true,
    });
    await page.waitForURL(`**/console/sharing/requests/${request.id}`);
    await page.getByTestId('request-withdraw').click();
    await expectCall(page, 'POST', `/api/sharing/requests/${request.id}/withdraw`, () => acceptConfirm(page));
    await expect.poll(() => page.getByTestId('request-status').innerText()).toBe('已撤回');
    expect(await page.getByTestId('request-withdraw').count()).toBe(0);
    // With nothing in progress the entry can be applied for again.
    await page.goto(`/console/catalog/entries/${entryId}`);
    await page.getByTestId('entry-apply').waitFor();
    await page.context().close();
  });

  it('a provider renews a grant, then revokes it after confirming, with a reason', async () => {
    const name = `企业迁移登记信息${suffix()}`;
    const entryId = await conditionalEntry(name);
    const consumer = await e2e.login('rsj_yh');
    const request = await applyFor(consumer, entryId, {
      purpose: '核验迁出企业的参保关系',
      system: '社保经办系统',
      letter: true,
    });
    await consumer.context().close();
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/sharing/requests/${request.id}/prereview`, { decision: 'forward' });
    const approved = (await (
      await e2e.apiAs('scj_zy')
    )('POST', `/api/sharing/requests/${request.id}/decision`, { decision: 'approve' })) as { grant: { id: string } };

    const provider = await e2e.login('scj_zy');
    await provider.goto(`/console/sharing/grants/${approved.grant.id}`);
    await provider.getByTestId('grant-renew').click();
    const renew = provider.getByTestId('renew-dialog');
    await renew.getByTestId('renew-date').locator('input').fill('2099-12-31');
    await renew.getByTestId('renew-date').locator('input').press('Enter');
    const renewed = await expectCall(provider, 'POST', `/api/sharing/grants/${approved.grant.id}/renew`, () =>
      renew.getByTestId('renew-confirm').click(),
    );
    expect(JSON.parse(renewed.request().postData() ?? '{}')).toEqual({ validTo: '2099-12-31' });
    await expect.poll(() => provider.getByTestId('grant-valid').innerText()).toContain('2099-12-31');
    await expect.poll(() => provider.getByTestId('grant-events').innerText()).toContain('续期');

    await provider.getByTestId('grant-revoke').click();
    await acceptConfirm(provider);
    const dialog = provider.getByTestId('reason-dialog');
    await textareaOf(dialog, 'reason-input').fill('申请方系统未通过安全测评');
    await expectCall(provider, 'POST', `/api/sharing/grants/${approved.grant.id}/revoke`, () =>
      dialog.getByTestId('reason-confirm').click(),
    );
    await expect.poll(() => provider.getByTestId('grant-status').first().innerText()).toBe('已撤销');
    await expect.poll(() => provider.getByTestId('grant-events').innerText()).toContain('申请方系统未通过安全测评');
    expect(await provider.getByTestId('grant-revoke').count()).toBe(0);
    await provider.context().close();
  });
});
