import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD, describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall, inputOf, textareaOf } from './ui';

interface OpenEntry {
  entryId: string;
  code: string;
  name: string;
  providerDepartmentId: string;
  providerName: string;
}

/**
 * Issue 12 point 8: a member of the public asks for data on the portal; the platform publishes
 * the request to the provider, who answers with a dataset; the answer is public and leads to the
 * dataset, where the user rates it, comments (shown as awaiting moderation) and reports an error.
 * On a desktop, and the requests page on a phone.
 */
describeBrowser('public data requests and feedback', () => {
  let e2e: E2E;
  let ds: OpenEntry;
  beforeAll(async () => {
    e2e = await startE2E();
    // The demo opened 市场监管局's open entries; its specialist (scj_zy) answers.
    const admin = await e2e.apiAs('admin');
    const open = (await admin('GET', '/api/open/datasets?status=open&pageSize=200')) as { items: OpenEntry[] };
    ds = open.items.find((d) => d.providerName === '上饶市市场监督管理局')!;
    expect(ds).toBeTruthy();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** Every /api answer of 400 or more, but the session probe (an anonymous /api/auth/me is 401 by design). */
  function failures(page: Page): string[] {
    const out: string[] = [];
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/api/') && url.pathname !== '/api/auth/me' && res.status() >= 400)
        out.push(`${res.status()} ${url.pathname}`);
    });
    return out;
  }

  const TITLE = '全市公共充电桩位置（浏览器测试）';

  it('lets an anonymous visitor read requests and points them to sign in', async () => {
    const page = await e2e.newPage();
    const failed = failures(page);
    await page.goto('/');
    await page.getByTestId('portal-nav-requests').click();
    await page.getByTestId('data-request-sign-in').waitFor();
    expect(await page.getByTestId('data-request-new').count()).toBe(0);
    await page.goto(`/datasets/${ds.code}`);
    await page.getByTestId('dataset-feedback-sign-in').waitFor();
    expect(await page.getByTestId('dataset-comment-input').count()).toBe(0);
    expect(failed).toEqual([]);
    await page.context().close();
  });

  it('files a request, sees the provider’s answer, then rates, comments on and reports an error in the dataset', async () => {
    const page = await e2e.newPage();
    const failed = failures(page);
    await page.goto('/login?redirect=/requests');
    await page.getByTestId('login-username').fill('public');
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('data-request-new').click();

    await inputOf(page, 'data-request-title-input').fill(TITLE);
    await textareaOf(page, 'data-request-description').fill('名称、地址、经纬度、桩数');
    await textareaOf(page, 'data-request-purpose').fill('出行导航小程序');
    const filed = await expectCall(page, 'POST', '/api/portal/requests', () =>
      page.getByTestId('data-request-submit').click(),
    );
    expect(filed.status()).toBe(201);
    const { id } = (await filed.json()) as { id: string };
    await page.getByTestId('data-request-filed').waitFor();
    // Not public before moderation.
    expect(await page.getByTestId('data-request-list').innerText()).not.toContain(TITLE);

    // The platform routes it to the provider, whose specialist answers with the dataset.
    const admin = await e2e.apiAs('admin');
    await admin('POST', `/api/open/requests/${id}/moderate`, {
      decision: 'publish',
      departmentId: ds.providerDepartmentId,
    });
    const specialist = await e2e.apiAs('scj_zy');
    await specialist('POST', `/api/open/requests/${id}/answer`, { answer: '已开放，请见该数据集', entryCode: ds.code });

    await expectCall(page, 'GET', '/api/portal/requests', () => page.reload());
    const card = page.getByTestId('data-request').filter({ hasText: TITLE });
    await expect.poll(() => card.getByTestId('data-request-status').innerText()).toBe('已答复');
    expect(await card.getByTestId('data-request-answer').innerText()).toContain('已开放，请见该数据集');
    await maybeScreenshot(page, 'portal-requests');
    await card.getByTestId('data-request-entry').click();
    await expect.poll(() => page.getByTestId('portal-dataset-title').innerText()).toBe(ds.name);

    // Four stars.
    const rated = await expectCall(page, 'PUT', `/api/portal/datasets/${ds.code}/rating`, () =>
      page.getByTestId('dataset-rate').locator('.el-rate__item').nth(3).click(),
    );
    expect(rated.status()).toBe(200);
    await expect.poll(() => page.getByTestId('dataset-rating-summary').innerText()).toContain('1 人评分');

    await textareaOf(page, 'dataset-comment-input').fill('数据很全，希望增加历史数据');
    const commented = await expectCall(page, 'POST', `/api/portal/datasets/${ds.code}/comments`, () =>
      page.getByTestId('dataset-comment-submit').click(),
    );
    expect(commented.status()).toBe(201);
    const mine = page.getByTestId('dataset-comment').filter({ hasText: '数据很全' });
    await expect.poll(() => mine.innerText()).toContain('待审核');

    await textareaOf(page, 'dataset-report-input').fill('第3行地址与实际不符');
    const reported = await expectCall(page, 'POST', `/api/portal/datasets/${ds.code}/error-reports`, () =>
      page.getByTestId('dataset-report-submit').click(),
    );
    expect(reported.status()).toBe(201);
    await expect.poll(() => page.getByTestId('dataset-my-report').innerText()).toContain('第3行地址与实际不符');
    await maybeScreenshot(page, 'portal-dataset-feedback');

    // Everything is in the user's centre.
    await page.goto('/me/requests');
    await expect.poll(() => page.getByTestId('me-requests').innerText()).toContain(TITLE);
    expect(failed).toEqual([]);
    expect(await page.locator('.el-message--error').count()).toBe(0);
    await page.context().close();
  });

  it('fits the requests page on a phone, without a sideways scroll', async () => {
    const context = await e2e.phoneContext();
    try {
      // A published request of its own, with long words, so the list has something to lay out.
      const citizen = await e2e.apiAs('public');
      const { id } = (await citizen('POST', '/api/portal/requests', {
        title: '手机上看的数据需求：全市各区县公共停车场泊位实时空余数量',
        description: '停车场名称、地址、总泊位、空余泊位，每五分钟更新',
        purpose: '停车导航',
      })) as { id: string };
      await (
        await e2e.apiAs('admin')
      )('POST', `/api/open/requests/${id}/moderate`, { decision: 'publish' });
      const page = await context.newPage();
      const failed = failures(page);
      await expectCall(page, 'GET', '/api/portal/requests', () => page.goto('/requests'));
      await page.getByTestId('data-request').first().waitFor();
      const width = await page
        .locator('html')
        .evaluate((html) => (html as unknown as { scrollWidth: number }).scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      expect(failed).toEqual([]);
      await maybeScreenshot(page, 'portal-requests-phone');
    } finally {
      await context.close();
    }
  });
});
