import fs from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall, inputOf } from './ui';
import { OPEN_DOMAINS } from '../../src/shared/catalog/enums';

interface OpenEntry {
  entryId: string;
  code: string;
  name: string;
  openType: string;
  providerDepartmentId: string;
  providerName: string;
}
type Caller = Awaited<ReturnType<E2E['apiAs']>>;

const PASS = {
  checklist: { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' },
  conclusion: 'pass',
};
const LEADERS = ['scj_ld', 'gaj_ld', 'bdc_ld'];

/**
 * The public open-data portal, browsed without a login: home, search, a dataset's page
 * with its data dictionary, preview and downloads, on a desktop and on a phone.
 */
describeBrowser('open-data portal for anyone', () => {
  let e2e: E2E;
  let ds: OpenEntry;
  let items: string[];
  beforeAll(async () => {
    // A few synthetic rows per table, so a preview and a download have data to show.
    e2e = await startE2E({ demoRows: 0.01 });
    ds = await openDataset();
    const r = await e2e.app.inject({ method: 'GET', url: `/api/portal/datasets/${ds.code}` });
    items = (JSON.parse(r.body) as { items: Array<{ name: string }> }).items.map((i) => i.name);
  });
  afterAll(async () => {
    await e2e?.close();
  });

  /** An unconditionally open dataset on the portal: one the demo opened, else one put through both reviews. */
  async function openDataset(): Promise<OpenEntry> {
    const admin = await e2e.apiAs('admin');
    const list = async (status: string) =>
      ((await admin('GET', `/api/open/datasets?status=${status}&pageSize=50`)) as { items: OpenEntry[] }).items;
    const open = (await list('open')).filter((d) => d.openType === 'unconditional');
    // One with data loaded when there is one, so that the download is tried too.
    for (const d of open) if (await hasRows(d.code)) return d;
    if (open[0]) return open[0];

    const leaders = new Map<string, Caller>();
    for (const name of LEADERS) {
      const leader = await e2e.apiAs(name);
      leaders.set(((await leader('GET', '/api/auth/me')) as { departmentId: string }).departmentId, leader);
    }
    const d = (await list('unreviewed')).find(
      (x) => x.openType === 'unconditional' && leaders.has(x.providerDepartmentId),
    );
    if (!d) throw new Error('no unreviewed unconditional open entry of a department with a leader account');
    await leaders.get(d.providerDepartmentId)!('POST', `/api/open/datasets/${d.entryId}/reviews`, PASS);
    await maskForThePublic(admin, d.entryId);
    await admin('POST', `/api/open/datasets/${d.entryId}/reviews`, PASS);
    return d;
  }

  async function hasRows(code: string): Promise<boolean> {
    const r = await e2e.app.inject({ method: 'GET', url: `/api/portal/datasets/${code}/preview` });
    return r.statusCode === 200 && (JSON.parse(r.body) as { items: unknown[] }).items.length > 0;
  }

  /** The platform passes a dataset only when every personal or sensitive item has a rule for the open channel. */
  async function maskForThePublic(admin: Caller, entryId: string): Promise<void> {
    const { maskingGaps } = (await admin('GET', `/api/open/datasets/${entryId}`)) as { maskingGaps: string[] };
    if (!maskingGaps.length) return;
    const url = `/api/exchange/entries/${entryId}/masking`;
    const m = (await admin('GET', url)) as {
      items: Array<{ field: string; name: string; configured: Record<string, string | null> }>;
    };
    // The PUT replaces the whole configuration: the rules already there go along.
    const rules = m.items.flatMap((i) => [
      ...Object.entries(i.configured).flatMap(([channel, rule]) => (rule ? [{ field: i.field, channel, rule }] : [])),
      ...(maskingGaps.includes(i.name) && !i.configured['open']
        ? [{ field: i.field, channel: 'open', rule: 'redact' }]
        : []),
    ]);
    await admin('PUT', url, rules);
  }

  /** Every /api answer of 400 or more, but the session probe: an anonymous /api/auth/me is 401 by design. */
  function failures(page: Page): string[] {
    const out: string[] = [];
    page.on('response', (res) => {
      const url = new URL(res.url());
      if (url.pathname.startsWith('/api/') && url.pathname !== '/api/auth/me' && res.status() >= 400)
        out.push(`${res.status()} ${url.pathname}`);
    });
    return out;
  }

  it('takes a visitor from the home page through a search to a dataset, its dictionary, preview and CSV', async () => {
    const page = await e2e.newPage();
    const failed = failures(page);
    await page.goto('/');
    await page.getByTestId('portal-domains').waitFor();
    expect(await page.getByTestId('portal-domain').count()).toBe(Object.keys(OPEN_DOMAINS).length);
    const home = await e2e.app.inject({ method: 'GET', url: '/api/portal/home' });
    const total = (JSON.parse(home.body) as { totals: { datasets: number } }).totals.datasets;
    expect(total).toBeGreaterThan(0);
    expect(await page.getByTestId('portal-total-datasets').innerText()).toContain(total.toLocaleString('en'));

    await maybeScreenshot(page, 'portal-home');
    // The box's own clear button empties it (and is there only when there is something to clear).
    const box = inputOf(page, 'portal-hero-search-input');
    await box.fill('临时');
    await page.getByRole('button', { name: '清空' }).click();
    expect(await box.inputValue()).toBe('');
    expect(await page.getByRole('button', { name: '清空' }).count()).toBe(0);
    await box.fill(ds.name);
    await expectCall(
      page,
      'GET',
      '/api/portal/datasets',
      () => page.getByTestId('portal-hero-search-submit').click(),
      (url) => url.searchParams.get('q') === ds.name,
    );
    expect(new URL(page.url()).searchParams.get('q')).toBe(ds.name);
    await maybeScreenshot(page, 'portal-search');
    await page.locator(`[data-testid="dataset-card-name"][href="/datasets/${ds.code}"]`).click();

    await expect.poll(() => page.getByTestId('portal-dataset-title').innerText()).toBe(ds.name);
    // How fresh: the last load's time and rows, or that nothing was loaded yet.
    const rows = (await e2e.app.inject({ method: 'GET', url: `/api/portal/datasets/${ds.code}` })).json<{
      data: { rows: number } | null;
    }>().data?.rows;
    expect(await page.getByTestId('portal-dataset-freshness').innerText()).toMatch(
      rows === undefined
        ? /数据尚未汇聚/
        : new RegExp(`^\\d{4}-\\d{2}-\\d{2} [\\d:]+ · ${rows.toLocaleString('zh-CN')} 条$`),
    );
    const dictionary = page.getByTestId('portal-dictionary');
    await expect.poll(() => dictionary.locator('tbody tr').count()).toBe(items.length);
    expect(await dictionary.innerText()).toContain(items[0]);

    const shown = page.locator('[data-testid="portal-preview-table"], [data-testid="portal-preview-empty"]');
    await shown.first().waitFor();
    const csv = page.getByTestId('portal-download-csv');
    expect(await csv.getAttribute('href')).toBe(`/api/portal/datasets/${ds.code}/download?format=csv`);
    if (await page.getByTestId('portal-preview-table').count()) {
      const [download] = await Promise.all([page.waitForEvent('download'), csv.click()]);
      const first = fs
        .readFileSync(await download.path(), 'utf8')
        .replace(/^\uFEFF/, '')
        .split(/\r?\n/)[0];
      expect(first).toContain(items[0]);
    } else {
      expect(await page.getByTestId('portal-preview-empty').innerText()).toContain('提供部门尚未汇聚数据');
    }
    expect(failed).toEqual([]);
    expect(await page.locator('.el-message--error').count()).toBe(0);
    await maybeScreenshot(page, 'portal-dataset');
    await page.context().close();
  });

  it('suggests a name and the most used datasets when a misspelt search finds nothing', async () => {
    const page = await e2e.newPage();
    // One character wrong (the name's last): nothing matches, the dataset is suggested.
    const typo = `${Array.from(ds.name).slice(0, -1).join('')}罽`;
    await page.goto(`/datasets?q=${encodeURIComponent(typo)}`);
    const suggestion = page.getByTestId('portal-did-you-mean');
    await expect.poll(() => suggestion.innerText()).toContain(ds.name);
    // And the most used datasets instead of an empty page.
    await page.getByTestId('portal-search-popular').locator('[data-testid="dataset-card-name"]').first().waitFor();
    await expectCall(
      page,
      'GET',
      '/api/portal/datasets',
      () => suggestion.getByText(ds.name, { exact: true }).click(),
      (url) => url.searchParams.get('q') === ds.name,
    );
    await page.locator(`[data-testid="dataset-card-name"][href="/datasets/${ds.code}"]`).waitFor();
    await page.context().close();
  });

  // The app renders a server-rendered page's frame and then its page in two tasks, off the screen:
  // the reader sees the server's page until the app's whole page takes its place, never the frame alone.
  it('replaces a server-rendered page with the app’s whole page, never its empty frame', async () => {
    const page = await e2e.newPage();
    // Counted at every change of the document: the app's frame (.portal) on screen without a page title.
    await page.addInitScript(`
      window.frameAlone = 0;
      new MutationObserver(() => {
        const app = document.getElementById('app');
        if (app && app.querySelector('.portal') && !app.querySelector('h1')) window.frameAlone++;
      }).observe(document, { childList: true, subtree: true });
    `);
    for (const [path, title] of [
      [`/datasets/${ds.code}`, 'portal-dataset-title'],
      ['/', 'portal-home'],
    ] as const) {
      await page.goto(path);
      await page.getByTestId(title).waitFor();
      await page.getByTestId('portal-footer').waitFor();
      expect(await page.evaluate('window.frameAlone'), path).toBe(0);
    }
    await page.close();
  });

  it('starts a server-rendered dataset page from the data it was rendered with, then counts the view', async () => {
    const page = await e2e.newPage();
    // Hold the counting request: the app must show the dataset without it.
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let counted = false;
    await page.route(
      (u) => u.pathname === `/api/portal/datasets/${ds.code}` && u.searchParams.get('view') === 'true',
      async (route) => {
        await held;
        counted = true;
        await route.continue();
      },
    );
    // An anonymous visitor's browser has no session to ask about: no /api/auth/me (and no 401 in its console).
    const probes: string[] = [];
    page.on('request', (r) => r.url().includes('/api/auth/me') && probes.push(r.url()));
    await page.goto(`/datasets/${ds.code}`);
    // portal-dataset-title is the app's (the server's HTML has ssr-dataset): rendered while the request waits.
    await expect.poll(() => page.getByTestId('portal-dataset-title').innerText()).toBe(ds.name);
    expect(counted).toBe(false);
    expect(await page.locator('#gs-ssr-data').count()).toBe(0);
    release();
    await expect.poll(() => counted).toBe(true);
    expect(probes).toEqual([]);
    await page.close();
  });

  /** The dataset's page, once its dictionary and its preview (or the note that it has none) are shown. */
  async function openWithPreview(page: Page): Promise<void> {
    await page.goto(`/datasets/${ds.code}`);
    await page.getByTestId('portal-dictionary').waitFor();
    await page.locator('[data-testid="portal-preview-table"], [data-testid="portal-preview-empty"]').first().waitFor();
  }

  it('fits a dataset page on a phone, without a sideways scroll', async () => {
    const context = await e2e.phoneContext();
    try {
      const page = await context.newPage();
      const failed = failures(page);
      await openWithPreview(page);
      expect(await page.getByTestId('portal-dataset-title').isVisible()).toBe(true);
      // The page body is the <html> element (the tests compile without the DOM library).
      const width = await page
        .locator('html')
        .evaluate((html) => (html as unknown as { scrollWidth: number }).scrollWidth);
      expect(width).toBeLessThanOrEqual(390);
      expect(failed).toEqual([]);
      await maybeScreenshot(page, 'portal-dataset-phone');
    } finally {
      await context.close();
    }
  });

  it('renders a dataset page’s lower sections on a phone only when the reader scrolls towards them', async () => {
    // A short screen: the ratings and comments, below the first card, dictionary, preview and API, are
    // well past it and past RenderLater's margin in any state of the page's loading.
    const context = await e2e.phoneContext(500);
    try {
      const page = await context.newPage();
      const asked: string[] = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await openWithPreview(page);
      expect(await page.getByTestId('dataset-feedback').count()).toBe(0);
      expect(asked.filter((p) => p.endsWith('/feedback'))).toEqual([]);
      await page.getByTestId('portal-footer').scrollIntoViewIfNeeded();
      await page.getByTestId('dataset-feedback').waitFor();
      await expect.poll(() => asked.filter((p) => p.endsWith('/feedback')).length).toBe(1);
    } finally {
      await context.close();
    }
  });

  it('browses the department’s datasets and a missing dataset without a failing call or an error message', async () => {
    const page = await e2e.newPage();
    const failed = failures(page);
    await page.goto(`/datasets/${ds.code}`);
    await page.getByTestId('portal-dataset-provider').click();
    await page.getByTestId('dataset-card').first().waitFor();
    expect(new URL(page.url()).pathname).toBe(`/departments/${ds.providerDepartmentId}`);
    expect(await page.getByTestId('portal-department-name').innerText()).toBe(ds.providerName);
    await maybeScreenshot(page, 'portal-department');
    expect(failed).toEqual([]);

    await page.goto('/datasets/000000000000/999999');
    await page.getByTestId('portal-dataset-missing').waitFor();
    expect(await page.getByTestId('portal-dataset-missing').innerText()).toContain('该数据集不存在或已撤回');
    // The one refusal is the answer for the missing dataset itself, shown on the page, not as a message.
    expect(failed).toEqual(['404 /api/portal/datasets/000000000000/999999']);
    expect(await page.locator('.el-message--error').count()).toBe(0);
    await page.context().close();
  });
});
