import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall, inputOf } from './ui';

/**
 * Issue 12, point 4: the platform withdraws an open dataset from the console and it leaves the
 * portal at once; the provider's leader and then the platform review it again and it comes back.
 */
describeBrowser('confidentiality review in the console', () => {
  let e2e: E2E;
  let dataset: { entryId: string; code: string; name: string };
  beforeAll(async () => {
    e2e = await startE2E();
    // The demo opened 市场监管局's open entries (its leader, scj_ld, reviewed them).
    const admin = await e2e.apiAs('admin');
    const open = (await admin('GET', '/api/open/datasets?status=open&pageSize=200')) as {
      items: Array<{ entryId: string; code: string; name: string; providerName: string }>;
    };
    dataset = open.items.find((d) => d.providerName === '上饶市市场监督管理局')!;
    expect(dataset).toBeTruthy();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  const portalStatus = async () => (await fetch(`${e2e.baseUrl}/api/portal/datasets/${dataset.code}`)).status;

  it('withdraws a dataset with a reason, then reviews it back onto the portal', async () => {
    expect(await portalStatus()).toBe(200);
    const admin = await e2e.login('admin');
    await admin.getByTestId('menu-open-datasets').click();
    await inputOf(admin, 'open-q').fill(dataset.code);
    await expectCall(admin, 'GET', '/api/open/datasets', () => admin.getByTestId('open-search').click());
    await admin.getByTestId('open-row-link').first().click();
    await admin.getByTestId('open-detail').waitFor();
    await expect.poll(() => admin.getByTestId('open-status').innerText()).toBe('已开放');

    await admin.getByTestId('open-withdraw').click();
    const dialog = admin.locator('.el-dialog').filter({ hasText: '撤回理由' });
    await expect.poll(() => dialog.innerText()).toContain('立即从开放门户下线');
    await dialog.locator('textarea').fill('发现部分数据有误，核实后重新开放');
    await expectCall(admin, 'POST', `/api/open/datasets/${dataset.entryId}/withdraw`, () =>
      dialog.getByRole('button', { name: '撤回开放' }).click(),
    );
    await expect.poll(() => admin.getByTestId('open-status').innerText()).toBe('已撤回');
    expect(await portalStatus()).toBe(404);

    // The provider's leader reviews first: a concern cannot pass.
    const leader = await e2e.login('scj_ld');
    await leader.goto(`/console/open/datasets/${dataset.entryId}`);
    await leader.getByTestId('open-review-form').waitFor();
    await leader.getByTestId('open-check-personalPrivacy').getByText('存在此情形').click();
    const pass = leader
      .getByTestId('open-conclusion')
      .locator('.el-radio')
      .filter({ hasText: /^同意开放$/ });
    await expect.poll(() => pass.getAttribute('class')).toContain('is-disabled');
    await leader.getByTestId('open-check-personalPrivacy').getByText('无此情形').click();
    await leader.getByTestId('open-conclusion').getByText('同意开放', { exact: true }).click();
    // The signed review form goes with the review (uploaded as soon as it is chosen).
    const uploaded = await expectCall(leader, 'POST', '/api/open/attachments', () =>
      leader
        .getByTestId('attachment-upload')
        .locator('input[type=file]')
        .setInputFiles({
          name: '保密审查表.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'),
        }),
    );
    expect(uploaded.status()).toBe(201);
    await leader.getByTestId('open-review-submit').click();
    const confirm = leader.locator('.el-message-box');
    await expect.poll(() => confirm.innerText()).toContain('平台审查通过后生效');
    await expectCall(leader, 'POST', `/api/open/datasets/${dataset.entryId}/reviews`, () =>
      confirm.getByRole('button', { name: /确定|OK/ }).click(),
    );
    await expect.poll(() => leader.getByTestId('open-status').innerText()).toBe('待平台保密审查');
    await leader.getByTestId('open-reviews').getByRole('link', { name: '保密审查表.pdf' }).waitFor();
    expect(await portalStatus()).toBe(404);

    // Then the platform: its approval opens the dataset at once.
    await admin.reload();
    await admin.getByTestId('open-review-form').waitFor();
    await admin
      .locator('textarea[data-testid="open-opinion"], [data-testid="open-opinion"] textarea')
      .first()
      .fill('已核实，同意重新开放');
    await admin.getByTestId('open-review-submit').click();
    const box = admin.locator('.el-message-box');
    await expect.poll(() => box.innerText()).toContain('立即在开放门户向社会公众公开');
    await expectCall(admin, 'POST', `/api/open/datasets/${dataset.entryId}/reviews`, () =>
      box.getByRole('button', { name: /确定|OK/ }).click(),
    );
    await expect.poll(() => admin.getByTestId('open-status').innerText()).toBe('已开放');
    await expect.poll(() => admin.getByTestId('open-reviews').locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
    expect(await portalStatus()).toBe(200);
    await maybeScreenshot(admin, 'open-review');
  });
});
