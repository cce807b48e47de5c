import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeBrowser, maybeScreenshot, MovableClock, startE2E, type E2E } from './harness';

/**
 * Issue 11, point 1: every role lands on a home that lists its pending work, most urgent first,
 * overdue in red, each row opening its item; the platform also sees city-wide charts.
 */
const DAY = 86_400_000;

describeBrowser('the to-do home', () => {
  let e2e: E2E;
  const clock = new MovableClock();
  beforeAll(async () => {
    e2e = await startE2E({}, { clock });
  });
  afterAll(async () => {
    clock.reset();
    await e2e?.close();
  });

  it('shows a provider its request to decide with its deadline, and opens it', async () => {
    const page = await e2e.login('rsj_zy');
    const group = page.locator('[data-testid="todo-group"][data-kind="sharing.decide"]');
    await expect.poll(() => group.innerText()).toContain('社会保障卡信息');
    expect(await group.innerText()).toContain('待本部门审核的共享申请');
    expect(await group.getByTestId('todo-due').innerText()).toMatch(/时限 \d{4}-\d{2}-\d{2}/);
    await maybeScreenshot(page, 'home-todos-provider');
    await group.getByTestId('todo-item').first().click();
    await page.getByTestId('decision-panel').waitFor();
    await page.context().close();
  });

  it('tells a department user with nothing waiting what will show up there', async () => {
    const page = await e2e.login('rsj_yh');
    await expect.poll(() => page.getByTestId('todo-empty').innerText()).toContain('暂无待办');
    // The home page reloaded (or opened from a bookmark) is the home page again, not an empty frame.
    await page.reload();
    await expect.poll(() => page.getByTestId('todo-empty').innerText()).toContain('暂无待办');
    expect(await page.getByTestId('welcome').innerText()).toContain('周婷');
    await page.context().close();
  });

  it('gives the platform its pre-review queue and the city-wide charts', async () => {
    const page = await e2e.login('admin');
    const group = page.locator('[data-testid="todo-group"][data-kind="sharing.prereview"]');
    await expect.poll(() => group.innerText()).toContain('不动产登记信息');
    const chart = page.getByTestId('overview-catalog.versionsByStatus');
    await chart.locator('canvas').waitFor();
    await maybeScreenshot(page, 'home-admin-overview');
    await page.context().close();
  });

  it('puts overdue work first, in red', async () => {
    clock.advance(30 * DAY);
    const page = await e2e.login('rsj_zy');
    const first = page.getByTestId('todo-group').first();
    await expect.poll(() => first.getAttribute('data-kind')).toBe('sharing.decide');
    expect(await first.getByTestId('todo-overdue-count').innerText()).toContain('逾期 1');
    const item = first.getByTestId('todo-item').first();
    expect(await item.getAttribute('class')).toContain('overdue');
    expect(await item.innerText()).toContain('已逾期');
    await page.context().close();
  });
});
