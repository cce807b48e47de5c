import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, maybeScreenshot, MovableClock, startE2E, type E2E } from './harness';
import { acceptConfirm, expectCall, inputOf, rowsWith, textareaOf } from './ui';

/**
 * Issue #16 point 7, with the real modules and the demo data: the request 人社局 has not answered
 * within its 10 working days becomes a violation; the office issues a rectification notice, 人社局
 * answers it, the office closes it; 人社局's score falls with the late request, the card says why
 * (and shows the request), and rises again once the notice counts as closed on time.
 */
const RSJ = '上饶市人力资源和社会保障局';
/** Monday 2026-12-07, 09:00 in Beijing: the demo's requests are made then, and every step below stays in December. */
const START = Date.parse('2026-12-07T01:00:00Z');
const HOUR = 3600_000;

describeBrowser('supervision journey: overdue request → violation → notice → answer → closed → score', () => {
  let e2e: E2E;
  const clock = new MovableClock();
  beforeAll(async () => {
    clock.advance(START - Date.now());
    e2e = await startE2E({}, { clock });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** Sets the server's clock (the browser keeps its own) and signs in afresh: idle sessions end meanwhile. */
  const at = (instant: number) => clock.advance(instant - clock.now().getTime());

  async function recompute(page: Page): Promise<number> {
    await page.goto('/console/supervision/assessment?period=2026-12');
    const done = await expectCall(page, 'POST', '/api/supervision/snapshots', () =>
      page.getByTestId('assessment-recompute').click(),
    );
    expect(done.status()).toBe(201);
    const row = rowsWith(page, 'ranking-table', RSJ);
    await row.waitFor();
    const ranking = (await (await page.request.get('/api/supervision/periods/2026-12/ranking')).json()) as {
      items: Array<{ departmentName: string; score: number | null }>;
    };
    return ranking.items.find((i) => i.departmentName === RSJ)!.score!;
  }

  it('runs from the late request to a closed notice, and the card explains the score', async () => {
    // The demo's request waiting for 人社局's answer (src/server/demo/seed-sharing.ts).
    const waiting = await e2e.ctx.db
      .selectFrom('share_review_step as s')
      .innerJoin('share_request as r', 'r.id', 's.request_id')
      .innerJoin('department as d', 'd.id', 'r.provider_department_id')
      .select(['r.no', 's.due_at'])
      .where('d.name', '=', RSJ)
      .where('s.kind', '=', 'provider_decision')
      .where('s.decided_at', 'is', null)
      .executeTakeFirstOrThrow();
    // The morning after its deadline (23:59 Beijing of the tenth working day).
    at(waiting.due_at.getTime() + 10 * HOUR);

    const admin = await e2e.login('admin');
    await admin.goto('/console/supervision/violations');
    const detected = await expectCall(admin, 'POST', '/api/supervision/violations/detect', () =>
      admin.getByTestId('violations-detect').click(),
    );
    expect(detected.status()).toBe(200);
    const lead = rowsWith(admin, 'violations-table', RSJ);
    await lead.waitFor();
    expect(await lead.innerText()).toContain('逾期');
    await lead.getByTestId('violation-open').click();
    await admin.getByTestId('violation-evidence').getByText(waiting.no).waitFor();
    await maybeScreenshot(admin, 'journey-violation');

    // From the violation straight to its notice: department and violation are chosen already.
    await admin.getByTestId('violation-notice').click();
    await admin.getByTestId('rectification-issue-dialog').waitFor();
    await textareaOf(admin, 'rectification-issue-requirement').fill(
      '请于期限内答复该共享申请，并说明逾期原因和改进措施。',
    );
    await inputOf(admin, 'rectification-issue-days').fill('1');
    await inputOf(admin, 'rectification-issue-days').press('Tab');
    await maybeScreenshot(admin, 'journey-issue');
    await admin.getByTestId('rectification-issue-submit').click();
    const issued = await expectCall(admin, 'POST', '/api/supervision/rectifications', () => acceptConfirm(admin));
    expect(issued.status()).toBe(201);
    const notice = (await issued.json()) as { id: string; no: string };

    const rsj = await e2e.login('rsj_zy');
    await rsj.goto('/console/supervision/rectifications');
    await rsj.getByTestId(`rectification-open-${notice.no}`).click();
    await rsj.getByTestId('rectification-detail').waitFor();
    await textareaOf(rsj, 'rectification-answer-measures').fill(
      '已答复该申请；建立共享申请到期前 3 个工作日提醒机制。',
    );
    await rsj.getByTestId('rectification-answer-submit').click();
    const answered = await expectCall(rsj, 'POST', `/api/supervision/rectifications/${notice.id}/answer`, () =>
      acceptConfirm(rsj),
    );
    expect(answered.status()).toBe(200);

    await admin.goto(`/console/supervision/rectifications/${notice.id}`);
    await admin.getByTestId('rectification-close').click();
    const closed = await expectCall(admin, 'POST', `/api/supervision/rectifications/${notice.id}/verify`, () =>
      acceptConfirm(admin),
    );
    expect(closed.status()).toBe(200);
    await expect
      .poll(() => admin.getByTestId('rectification-detail-status').getAttribute('data-status'))
      .toBe('closed');

    // The late request costs 人社局 points, and its card says which and shows the request.
    const late = await recompute(admin);
    await rowsWith(admin, 'ranking-table', RSJ).getByTestId('ranking-open').click();
    await admin.getByTestId('card-title').filter({ hasText: RSJ }).waitFor();
    expect(await admin.getByTestId('card-reasons').innerText()).toContain('共享申请按期办理率');
    await admin.getByTestId('card-evidence-sharing.request_timeliness').click();
    const row = rowsWith(admin, 'evidence-table', waiting.no);
    await row.waitFor();
    expect(await row.innerText()).toContain('逾期');
    await maybeScreenshot(admin, 'journey-card');

    // Past the notice's deadline it counts as closed on time: the score rises.
    at(clock.now().getTime() + 2 * 24 * HOUR);
    const again = await e2e.login('admin');
    const rectified = await recompute(again);
    expect(rectified).toBeGreaterThan(late);
    await rowsWith(again, 'ranking-table', RSJ).getByTestId('ranking-open').click();
    const values = again.getByTestId('card-values');
    await values.getByText('整改按期销号率').waitFor();
    expect(await rowsWith(again, 'card-values', '整改按期销号率').innerText()).toContain('100');
  }, 180_000);
});
