import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';

/**
 * Issue 11, point 3: a consuming department's user opens its grant and sees how to get the data,
 * per method, without any call its role may not make (no error toast).
 */
describeBrowser('grant page for the consumer', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** A published 无条件共享 entry of 市场监管局 offering every online method. */
  async function entry(name: string): Promise<{ id: string; code: string; itemIds: string[] }> {
    const spec = await e2e.apiAs('scj_zy');
    const created = (await spec('POST', '/api/catalog/entries', {
      classCode: '102',
      name,
      summary: `${name}，含统一社会信用代码和企业名称。`,
      formatKind: 'database',
      shareType: 'unconditional',
      shareMethods: ['table', 'api', 'file'],
      updateCycle: 'daily',
      items: [
        { name: '统一社会信用代码', fieldName: 'uscc', dataType: 'C', length: 18 },
        { name: '企业名称', fieldName: 'ent_name', dataType: 'C', length: 200 },
      ],
    })) as { id: string; pending: { id: string } };
    await spec('POST', `/api/catalog/versions/${created.pending.id}/submit`);
    await (
      await e2e.apiAs('scj_ld')
    )('POST', `/api/catalog/versions/${created.pending.id}/dept-review`, { decision: 'approve' });
    await (
      await e2e.apiAs('admin')
    )('POST', `/api/catalog/versions/${created.pending.id}/platform-review`, { decision: 'approve' });
    const e = (await spec('GET', `/api/catalog/entries/${created.id}`)) as {
      code: string;
      current: { items: Array<{ id: string }> };
    };
    return { id: created.id, code: e.code, itemIds: e.current.items.map((i) => i.id) };
  }

  /** 人社局's user applies by the method and is granted at once; returns the grant id. */
  async function grantBy(method: 'api' | 'table' | 'file'): Promise<{ grantId: string; code: string }> {
    const e = await entry(`企业基本信息${method}${String(Date.now() % 1_000_000)}`);
    const r = (await (
      await e2e.apiAs('rsj_yh')
    )('POST', '/api/sharing/requests', {
      entryId: e.id,
      purpose: '核验参保企业信息',
      systemName: '上饶市社会保险经办系统',
      itemIds: e.itemIds,
      method,
      acceptTerms: true,
      termsVersion: USE_TERMS.version,
    })) as { grant: { id: string } };
    return { grantId: r.grant.id, code: e.code };
  }

  /** Opens the grant page and waits until it is loaded and every request it started has answered. */
  async function openGrant(page: Page, grantId: string): Promise<number[]> {
    const failures: number[] = [];
    page.on('response', (res) => {
      if (res.url().includes('/api/') && res.status() >= 400) failures.push(res.status());
    });
    await page.goto(`/console/sharing/grants/${grantId}`);
    await page.getByTestId('grant-access').waitFor();
    await page.waitForLoadState('networkidle');
    return failures;
  }

  it('shows a service-API grant its query address, an example call and how to get a token', async () => {
    const { grantId, code } = await grantBy('api');
    const page = await e2e.login('rsj_yh');
    const failures = await openGrant(page, grantId);
    expect(await page.getByTestId('grant-access-endpoint').innerText()).toContain(`/api/v1/data/${code}/records`);
    const example = await page.getByTestId('grant-access-example').innerText();
    expect(example).toContain('"client":"api"');
    expect(example).toContain('authorization: Bearer');
    expect(await page.getByTestId('grant-access-csv').count()).toBe(0);
    // A user without the exchange permission gets no push set-up, and no call that would be refused.
    expect(await page.getByTestId('grant-push').count()).toBe(0);
    expect(failures).toEqual([]);
    expect(await page.locator('.el-message--error').count()).toBe(0);
    await maybeScreenshot(page, 'grant-access-api');
  });

  it('offers a table grant the bulk downloads its terms allow, and a file grant the provider’s files', async () => {
    const table = await grantBy('table');
    const page = await e2e.login('rsj_yh');
    const failures = await openGrant(page, table.grantId);
    const csv = await page.getByTestId('grant-access-csv').getAttribute('href');
    expect(csv).toContain(`/api/v1/data/${table.code}/export`);
    expect(await page.getByTestId('grant-access-endpoint').count()).toBe(0);

    const file = await grantBy('file');
    failures.push(...(await openGrant(page, file.grantId)));
    await expect.poll(() => page.getByTestId('grant-access-files').innerText()).toContain('提供部门尚未上传文件');
    expect(failures).toEqual([]);
    expect(await page.locator('.el-message--error').count()).toBe(0);
  });
});
