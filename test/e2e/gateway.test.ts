import { afterAll, beforeAll, expect, it } from 'vitest';
import { startUpstream, UPSTREAM_KEY, type UpstreamDouble } from '../gateway/upstream-double';
import { describeBrowser, type E2E, startE2E } from './harness';
import { acceptConfirm, expectCall, inputOf, rowsWith } from './ui';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';

/**
 * Issue #14 in the browser: the provider of a 服务接口 resource registers its upstream from the
 * upstream's own OpenAPI description, and the entry page shows the service; a consuming department
 * registers a system, sees its secret once, and disables it. Demo data: 企业登记信息 (市场监管局
 * scj_zy, 库表 + 接口); 人社局 rsj_zy as the consumer.
 */
describeBrowser('service gateway in the browser', () => {
  let e2e: E2E;
  let up: UpstreamDouble;
  beforeAll(async () => {
    e2e = await startE2E();
    up = await startUpstream();
  });
  afterAll(async () => {
    await e2e?.close();
    await up?.close();
  });

  async function demoEntryId(name: string): Promise<string> {
    const admin = await e2e.apiAs('admin');
    const found = (await admin('GET', `/api/catalog/search?q=${encodeURIComponent(name)}&pageSize=50`)) as {
      items: Array<{ entryId: string; name: string }>;
    };
    return found.items.find((i) => i.name.replace(/<[^>]+>/g, '') === name)!.entryId;
  }
  async function demoItemIds(entryId: string): Promise<string[]> {
    const e = (await (
      await e2e.apiAs('admin')
    )('GET', `/api/catalog/entries/${entryId}`)) as {
      current: { items: Array<{ id: string }> };
    };
    return e.current.items.map((i) => i.id);
  }

  it('a provider registers its service from the OpenAPI description; the entry shows its operations', async () => {
    const entryId = await demoEntryId('企业登记信息');

    const page = await e2e.login('scj_zy');
    await page.goto(`/console/catalog/entries/${entryId}`);
    const card = page.getByTestId('entry-service');
    await card.getByText('尚未登记').waitFor();
    await card.getByTestId('service-edit').click();
    const dialog = page.getByTestId('service-dialog');
    await inputOf(dialog, 'service-base-url').fill(up.url);
    await inputOf(dialog, 'service-spec-url').fill(`${up.url}/openapi.json`);
    const described = await expectCall(page, 'POST', `/api/gateway/upstreams/${entryId}/describe`, () =>
      dialog.getByTestId('service-describe').click(),
    );
    expect(described.status()).toBe(200);
    await expect.poll(() => dialog.getByTestId('service-op').count()).toBe(2);
    await dialog.getByText('固定请求头').click();
    await dialog.getByPlaceholder('X-Api-Key').fill('X-Upstream-Key');
    await dialog.locator('input[type="password"]').first().fill(UPSTREAM_KEY);
    const saved = await expectCall(page, 'PUT', `/api/gateway/upstreams/${entryId}`, () =>
      dialog.getByTestId('service-save').click(),
    );
    expect(saved.status()).toBe(200);
    // The secret went in and does not come out.
    expect(JSON.stringify(await saved.json())).not.toContain(UPSTREAM_KEY);
    await rowsWith(page, 'service-operations', 'listPersons').waitFor();
    await rowsWith(page, 'service-operations', '/persons/{id}').waitFor();
    await expect.poll(() => card.getByTestId('service-address').textContent()).toContain('/gw/');
    // The provider sees the service's monitoring (no probe or call yet).
    await card.getByTestId('service-monitor').getByText('该时段没有调用').waitFor();
  });

  it('a consuming department registers a system, sees its secret once, tries a call with it, and disables it', async () => {
    // 企业登记信息 offers one operation that carries no data item; 人社局 holds a 服务接口 grant on it.
    const entryId = await demoEntryId('企业登记信息');
    await (
      await e2e.apiAs('scj_zy')
    )('PUT', `/api/gateway/upstreams/${entryId}`, {
      baseUrl: up.url,
      specKind: 'openapi',
      operations: [
        {
          id: 'getPerson',
          method: 'GET',
          path: '/persons/{id}',
          summary: '单个人员',
          responseFormat: 'json',
          fields: [],
        },
      ],
      auth: { kind: 'header', name: 'X-Upstream-Key', value: UPSTREAM_KEY },
      timeoutMs: 2000,
      maxRequestBytes: 1024,
      maxResponseBytes: 100000,
      callsPerMinute: 60,
      dailyCallQuota: 1000,
    });
    const apply = (await (
      await e2e.apiAs('rsj_yh')
    )('POST', '/api/sharing/requests', {
      entryId,
      purpose: '企业参保登记时核验企业登记信息',
      systemName: '上饶市社会保险经办系统',
      itemIds: await demoItemIds(entryId),
      method: 'api',
      acceptTerms: true,
      termsVersion: USE_TERMS.version,
    })) as { status: string; grant: { no: string } };
    expect(apply.status).toBe('approved');

    const page = await e2e.login('rsj_zy');
    await page.getByTestId('menu-gateway-systems').click();
    await page.waitForURL('**/console/gateway/systems');
    await page.getByTestId('system-create').click();
    const name = `社保经办系统${Date.now() % 100000}`;
    await inputOf(page.getByTestId('system-dialog'), 'system-name').fill(name);
    const created = await expectCall(page, 'POST', '/api/gateway/systems', () =>
      page.getByTestId('system-save').click(),
    );
    expect(created.status()).toBe(201);
    const body = (await created.json()) as { appSecret: string; system: { appKey: string } };
    const secretDialog = page.getByTestId('secret-dialog');
    await expect.poll(() => inputOf(secretDialog, 'secret-value').inputValue()).toBe(body.appSecret);
    await secretDialog.getByTestId('secret-saved').click();
    await secretDialog.waitFor({ state: 'hidden' });
    const row = rowsWith(page, 'system-table', name);
    await row.getByText(body.system.appKey).waitFor();
    // Shown once: the list never carries it.
    expect(await page.content()).not.toContain(body.appSecret);

    // Try it: the callable services list the granted operation; the call is answered under the grant.
    await page.getByTestId('menu-gateway-services').click();
    await page.waitForURL('**/console/gateway/services');
    const op = page.getByTestId('services-op').filter({ hasText: '/persons/{id}' });
    await op.getByTestId('services-try').click();
    const panel = op.getByTestId('services-try-panel');
    await inputOf(panel, 'try-key').fill(body.system.appKey);
    await inputOf(panel, 'try-secret').fill(body.appSecret);
    await panel.locator('.el-form-item', { hasText: 'id' }).locator('input').fill('0');
    await panel.getByTestId('try-send').click();
    const result = panel.getByTestId('try-result');
    await result.getByText('HTTP 200').waitFor();
    await result.getByText(apply.grant.no).waitFor();
    await expect.poll(() => panel.getByTestId('try-body').textContent()).toContain('张三丰');

    await page.getByTestId('menu-gateway-systems').click();
    await page.waitForURL('**/console/gateway/systems');

    await row.getByTestId('system-toggle').click();
    await acceptConfirm(page);
    await row.getByText('已停用').waitFor();
  });

  it('taking an operation from a department that holds a grant waits for the platform, which approves it on the entry page (R-07)', async () => {
    // After the test above, 人社局 holds a 服务接口 grant on 企业登记信息, whose one operation is getPerson.
    const entryId = await demoEntryId('企业登记信息');
    const provider = await e2e.apiAs('scj_zy');
    const { upstream } = (await provider('GET', `/api/gateway/upstreams/${entryId}`)) as {
      upstream: { operations: Array<Record<string, unknown>>; auth: { name: string } };
    };
    const saved = (await provider('PUT', `/api/gateway/upstreams/${entryId}`, {
      baseUrl: up.url,
      specKind: 'openapi',
      operations: [
        { id: 'listPersons', method: 'GET', path: '/persons', summary: '人员列表', responseFormat: 'json', fields: [] },
      ],
      auth: { kind: 'header', name: upstream.auth.name },
      timeoutMs: 2000,
      maxRequestBytes: 1024,
      maxResponseBytes: 100000,
      callsPerMinute: 60,
      dailyCallQuota: 1000,
    })) as { pendingChange: { removed: string[] } | null };
    expect(saved.pendingChange?.removed).toEqual(['getPerson']);

    const page = await e2e.login('admin');
    await page.getByTestId('menu-gateway-services').click();
    await page.waitForURL('**/console/gateway/services');
    await page.getByTestId('pending-changes').getByText('getPerson').waitFor();
    await page.getByTestId('pending-changes').getByTestId('pending-change-link').first().click();
    await page.waitForURL(`**/console/catalog/entries/${entryId}`);
    const card = page.getByTestId('entry-service');
    await card.getByTestId('service-pending').getByText('getPerson').waitFor();
    const approved = await expectCall(page, 'POST', `/api/gateway/upstreams/${entryId}/change/review`, async () => {
      await card.getByTestId('change-approve').click();
      await acceptConfirm(page);
    });
    expect(approved.status()).toBe(200);
    // Applied: getPerson is kept a month for the grant holder, and nothing waits any more.
    await card.getByTestId('service-retiring').getByText('getPerson').waitFor();
    await card.getByTestId('service-pending').waitFor({ state: 'detached' });
    await rowsWith(page, 'service-operations', 'listPersons').waitFor();
    // the resource's data quality shows its service's availability by the gateway's probes.
    await page.getByTestId('entry-quality').getByTestId('quality-service').getByText('接口可用率').waitFor();
  });
});
