import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';

/**
 * Issue 11, point 9: the main lists stay readable on a 1366 px wide screen (the smallest office
 * monitor we support): no table scrolls sideways, so nothing sits behind the fixed 操作 column, and
 * no column header is cut. A department user's menu shows what the role uses.
 */

/** Each list, and who opens it (the role that works there). */
const LISTS: Array<{ user: string; path: string }> = [
  { user: 'admin', path: '/console/catalog/review' },
  { user: 'admin', path: '/console/catalog/objections' },
  { user: 'admin', path: '/console/catalog/demands' },
  { user: 'admin', path: '/console/sharing/requests' },
  { user: 'admin', path: '/console/sharing/grants' },
  { user: 'admin', path: '/console/exchange/libraries' },
  { user: 'admin', path: '/console/exchange/sources' },
  { user: 'admin', path: '/console/org/regions' },
  { user: 'admin', path: '/console/org/departments' },
  { user: 'admin', path: '/console/org/users' },
  { user: 'admin', path: '/console/org/specialists' },
  { user: 'auditor', path: '/console/audit' },
  { user: 'scj_zy', path: '/console/catalog/mine' },
  { user: 'scj_ld', path: '/console/catalog/review' },
  { user: 'scj_zy', path: '/console/sharing/requests?box=incoming' },
  { user: 'rsj_yh', path: '/console/sharing/requests' },
  { user: 'rsj_yh', path: '/console/sharing/grants' },
];

/** The few DOM properties read below (the tests compile without the DOM library). */
interface Box {
  scrollWidth: number;
  clientWidth: number;
  innerText: string;
  querySelector(selector: string): Box | null;
  querySelectorAll(selector: string): ArrayLike<Box>;
}

/** For every table on the page: whether its body scrolls sideways, and which headers are cut. */
async function tableFit(page: Page) {
  return page.locator('.el-table').evaluateAll((tables) =>
    (tables as unknown as Box[]).map((table) => {
      const wrap = table.querySelector('.el-table__body-wrapper .el-scrollbar__wrap');
      return {
        scrolls: !!wrap && wrap.scrollWidth > wrap.clientWidth + 1,
        width: wrap ? `${wrap.scrollWidth} px of columns in ${wrap.clientWidth} px` : '',
        cut: Array.from(table.querySelectorAll('.el-table__header-wrapper th .cell'))
          .filter((c) => c.innerText.trim() && c.scrollWidth > c.clientWidth + 1)
          .map((c) => c.innerText.trim()),
      };
    }),
  );
}

describeBrowser('lists at 1366 px', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('shows every column of the main lists without sideways scrolling or cut headers', async () => {
    const pages = new Map<string, Page>();
    const problems: string[] = [];
    for (const { user, path } of LISTS) {
      let page = pages.get(user);
      if (!page) {
        page = await e2e.login(user);
        await page.setViewportSize({ width: 1366, height: 768 });
        pages.set(user, page);
      }
      await page.goto(path);
      await page.locator('.el-table__header-wrapper th').first().waitFor();
      await page.waitForLoadState('networkidle');
      await page.locator('.el-table .el-loading-mask').first().waitFor({ state: 'hidden' });
      for (const [i, t] of (await tableFit(page)).entries()) {
        if (t.scrolls) problems.push(`${user} ${path}: table ${i + 1} scrolls sideways (${t.width})`);
        if (t.cut.length) problems.push(`${user} ${path}: headers cut: ${t.cut.join(', ')}`);
      }
      await maybeScreenshot(page, `list-1366${path.replace(/[/?=]/g, '-')}-${user}`);
    }
    expect(problems).toEqual([]);
    for (const page of pages.values()) await page.context().close();
  });

  it('gives a department user a menu of what the role uses', async () => {
    const page = await e2e.login('rsj_yh');
    const menu = await page.getByTestId('side-menu').innerText();
    expect(menu).toContain('共享授权');
    for (const hidden of ['行政区划', '部门管理', '工作日历', '系统管理']) expect(menu).not.toContain(hidden);
    await page.context().close();
  });
});
