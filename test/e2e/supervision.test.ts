import { afterAll, beforeAll, expect, it } from 'vitest';
import { modules } from '../../src/server/compose';
import * as supervision from '../../src/server/modules/supervision';
import type { AppContext } from '../../src/server/app-context';
import type { IndicatorDefinition, IndicatorValue } from '../../src/server/platform/supervision/sources';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { choose, expectCall, inputOf, rowsWith, textareaOf } from './ui';

/**
 * Issue #16 points 1–2 in Chromium: the admin weighs the indicators, recomputes, reads the ranking
 * with its cards and opens a department's evidence; a department leader lands on its own card only.
 * The indicators are the test's own (the sources contract), so the numbers are known.
 */
const GAJ = '上饶市公安局';
const SCJ = '上饶市市场监督管理局';

async function departmentId(ctx: AppContext, name: string): Promise<string> {
  const r = await ctx.db.selectFrom('department').select('id').where('name', '=', name).executeTakeFirstOrThrow();
  return r.id;
}

function indicator(
  code: string,
  name: string,
  kind: IndicatorDefinition['kind'],
  counts: Record<string, [number, number]>,
) {
  return {
    code,
    name,
    nameEn: code,
    formula: `${name}：达标数 ÷ 应计数`,
    formulaEn: 'ok ÷ due',
    source: '浏览器测试数据',
    sourceEn: 'browser test data',
    kind,
    async compute(ctx: AppContext): Promise<IndicatorValue[]> {
      const out: IndicatorValue[] = [];
      for (const [dept, [numerator, denominator]] of Object.entries(counts)) {
        const id = await departmentId(ctx, dept);
        out.push({
          departmentId: id,
          numerator,
          denominator,
          evidence: Array.from({ length: denominator }, (_, i) => ({
            ref: `share_review_step:${code}-${i}`,
            label: `共享申请 GX-E2E-${String(i + 1).padStart(4, '0')} · 提供部门审核`,
            at: new Date(),
            ok: i < numerator,
            note: i < numerator ? null : '逾期 2 个工作日',
            link: '/console/sharing/requests',
          })),
        });
      }
      return out;
    },
  } satisfies IndicatorDefinition;
}

const sources = {
  indicators: [
    indicator('e2e.timeliness', '申请按时办结率', 'ratio', { [GAJ]: [9, 10], [SCJ]: [5, 10] }),
    indicator('e2e.opening', '开放数据下载量', 'volume', { [GAJ]: [100, 0], [SCJ]: [40, 0] }),
  ],
};

describeBrowser('supervision: weights, assessment, cards and evidence in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    const defs = [...modules().filter((m) => m.name !== 'supervision'), supervision.register({ sources: [sources] })];
    e2e = await startE2E({}, { modules: defs });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the admin sets weights, recomputes, sees the ranking with cards and opens the evidence', async () => {
    const page = await e2e.login('admin');
    await page.goto('/console/supervision/indicators');
    await rowsWith(page, 'indicators-table', '申请按时办结率').waitFor();
    await page.getByTestId('weights-default').waitFor();
    await page.getByTestId('weights-edit').click();
    await inputOf(page, 'weight-e2e.timeliness').fill('80');
    await inputOf(page, 'weight-e2e.opening').fill('10');
    await inputOf(page, 'weight-supervision.rectification_closure').fill('0');
    await inputOf(page, 'weight-supervision.rectification_closure').press('Tab');
    // The sum is shown as it is typed, and saving waits for 100.
    await expect.poll(() => page.getByTestId('weights-sum').innerText()).toContain('90');
    expect(await page.getByTestId('weights-save').isDisabled()).toBe(true);
    await inputOf(page, 'weight-e2e.opening').fill('20');
    await inputOf(page, 'weight-e2e.opening').press('Tab');
    await expect.poll(() => page.getByTestId('weights-sum').innerText()).toBe('合计 100');
    const saved = await expectCall(page, 'PUT', '/api/supervision/weights', () =>
      page.getByTestId('weights-save').click(),
    );
    expect(saved.status()).toBe(200);
    await page.getByTestId('weight-value-e2e.timeliness').filter({ hasText: '80' }).waitFor();

    await page.goto('/console/supervision/assessment');
    await page.getByTestId('assessment-none').waitFor();
    const computed = await expectCall(page, 'POST', '/api/supervision/snapshots', () =>
      page.getByTestId('assessment-recompute').click(),
    );
    expect(computed.status()).toBe(201);
    // 公安局: 0.8 × 90 + 0.2 × 100 = 92, green; 市场监管局: 0.8 × 50 + 0.2 × 40 = 48, red.
    const gaj = rowsWith(page, 'ranking-table', GAJ);
    await gaj.getByTestId('ranking-card').filter({ hasText: '绿牌' }).waitFor();
    expect(await gaj.innerText()).toContain('92');
    await rowsWith(page, 'ranking-table', SCJ).getByTestId('ranking-card').filter({ hasText: '红牌' }).waitFor();
    await page.getByTestId('chart-bar').locator('canvas').first().waitFor();
    expect(await page.getByTestId('assessment-export-pdf').getAttribute('href')).toMatch(/export\.pdf$/);
    await maybeScreenshot(page, 'supervision-ranking');

    await gaj.getByTestId('ranking-open').click();
    await page.getByTestId('card-title').filter({ hasText: GAJ }).waitFor();
    expect(await page.getByTestId('card-score').innerText()).toBe('92');
    expect(await page.getByTestId('card-reasons').innerText()).toContain('申请按时办结率');
    await page.getByTestId('card-evidence-e2e.timeliness').click();
    const failed = rowsWith(page, 'evidence-table', 'GX-E2E-0010');
    await failed.waitFor();
    expect(await failed.innerText()).toContain('逾期 2 个工作日');
    expect(await failed.getByTestId('evidence-link').getAttribute('href')).toBe('/console/sharing/requests');
    await maybeScreenshot(page, 'supervision-evidence');
  });

  it('a department leader lands on its own card and cannot open another department’s', async () => {
    const page = await e2e.login('scj_ld');
    await page.goto('/console/supervision/assessment');
    await page.getByTestId('card-title').filter({ hasText: SCJ }).waitFor();
    expect(await page.getByTestId('card-card').innerText()).toBe('红牌');
    const gajId = await departmentId(e2e.ctx, GAJ);
    const url = page.url().replace(/departments\/[^/?#]+/, `departments/${gajId}`);
    const period = new URL(page.url()).pathname.split('/')[4];
    const denied = await expectCall(page, 'GET', `/api/supervision/periods/${period}/departments/${gajId}`, () =>
      page.goto(url),
    );
    expect(denied.status()).toBe(403);
    expect(await page.getByTestId('card-score').count()).toBe(0);
  });
  it('a provider reports misuse of its data; the admin reads the lead and dismisses it with a reason', async () => {
    const provider = await e2e.login('scj_zy');
    await provider.goto('/console/supervision/violations');
    await provider.getByTestId('violations-table').waitFor();
    await provider.getByTestId('violations-report').click();
    await choose(provider, 'report-consumer', GAJ, '公安');
    await textareaOf(provider, 'report-description').fill('公安局将共享的企业登记信息用于与履职无关的商业查询');
    const reported = await expectCall(provider, 'POST', '/api/supervision/violations/report', () =>
      provider.getByTestId('report-save').click(),
    );
    expect(reported.status()).toBe(201);

    const admin = await e2e.login('admin');
    await admin.goto('/console/supervision/violations');
    const lead = rowsWith(admin, 'violations-table', '与履职无关的商业查询');
    await lead.waitFor();
    expect(await lead.innerText()).toContain(GAJ);
    await lead.getByTestId('violation-open').click();
    await admin.getByTestId('violation-detail').filter({ hasText: '上饶市市场监督管理局报告' }).waitFor();
    await admin.getByTestId('violation-dismiss').click();
    await textareaOf(admin, 'dismiss-reason').fill('经核实为公安局依职责开展的企业核查');
    const dismissed = admin.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/dismiss'));
    await admin.getByTestId('dismiss-confirm').click();
    expect((await dismissed).status()).toBe(200);
    await admin.getByTestId('violation-status').filter({ hasText: '已排除' }).waitFor();
  });
});
