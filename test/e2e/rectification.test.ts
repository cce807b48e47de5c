import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { acceptConfirm, expectCall, textareaOf } from './ui';

/**
 * The rectification and training pages in the browser (issue #16 points 4–5): they render for the office,
 * a department answers a notice with its measures, the office closes it. The full journey (a detected
 * violation, the score moving) is test/e2e/supervision.test.ts.
 */
describeBrowser('rectification notices in the browser', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('the office opens its pages; the department answers a notice; the office closes it', async () => {
    const scj = await e2e.ctx.db
      .selectFrom('app_user')
      .select('department_id')
      .where('username', '=', 'scj_zy')
      .executeTakeFirstOrThrow();
    const v = await e2e.ctx.db
      .insertInto('supervision_violation')
      .values({
        department_id: scj.department_id!,
        kind: 3,
        period_key: '2026-11',
        source: 'reported',
        summary: '3 个共享审核环节逾期未办',
        evidence: '[]',
        updated_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const errors: string[] = [];
    const admin = await e2e.login('admin');
    admin.on('pageerror', (e) => errors.push(String(e)));
    await admin.getByTestId('menu-supervision-rectifications').click();
    await admin.getByTestId('rectification-table').waitFor();
    await admin.getByTestId('rectification-issue').click();
    await admin.getByTestId('rectification-issue-dialog').waitFor();
    await maybeScreenshot(admin, 'rectification-issue');
    await admin.keyboard.press('Escape');
    const api = await e2e.apiAs('admin');
    const n = (await api('POST', '/api/supervision/rectifications', {
      departmentId: scj.department_id,
      violationIds: [v.id],
      title: '整改通知',
      requirement: '请整改',
      workingDays: 5,
    })) as { id: string; no: string };
    await admin.getByTestId('menu-supervision-circulars').click();
    await admin.getByTestId('circular-table').waitFor();
    await admin.getByTestId('menu-training').click();
    await admin.getByTestId('training-sessions').waitFor();
    await admin.getByTestId('training-create').click();
    await admin.getByTestId('training-session-dialog').waitFor();
    await admin.keyboard.press('Escape');
    await admin.getByTestId('menu-specialists').click();
    await admin.getByTestId('specialist-table').waitFor();

    const dept = await e2e.login('scj_zy');
    dept.on('pageerror', (e) => errors.push(String(e)));
    await dept.getByTestId('menu-supervision-rectifications').click();
    await dept.getByTestId(`rectification-open-${n.no}`).click();
    await dept.getByTestId('rectification-detail').waitFor();
    await textareaOf(dept, 'rectification-answer-measures').fill('已整改完毕');
    await dept.getByTestId('rectification-answer-submit').click();
    const answered = await expectCall(dept, 'POST', `/api/supervision/rectifications/${n.id}/answer`, () =>
      acceptConfirm(dept),
    );
    expect(answered.status()).toBe(200);
    await maybeScreenshot(dept, 'rectification-answered');

    await admin.goto(`${e2e.baseUrl}/console/supervision/rectifications/${n.id}`);
    await admin.getByTestId('rectification-close').click();
    const closed = await expectCall(admin, 'POST', `/api/supervision/rectifications/${n.id}/verify`, () =>
      acceptConfirm(admin),
    );
    expect(closed.status()).toBe(200);
    await expect
      .poll(() => admin.getByTestId('rectification-detail-status').getAttribute('data-status'))
      .toBe('closed');
    expect(errors).toEqual([]);
  }, 120_000);
});
