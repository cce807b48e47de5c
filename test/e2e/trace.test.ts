import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { csvMarker, startDownloadMark } from '../../src/server/platform/fingerprint';
import { describeBrowser, maybeScreenshot, startE2E, type E2E } from './harness';
import { expectCall } from './ui';

/** 下载溯源 (Art 18) in the browser: the security administrator uploads a leaked fragment and reads its source. */
describeBrowser('download tracing in the browser', () => {
  let e2e: E2E;
  let dir: string;
  const suffix = Date.now().toString(36).slice(-5);

  beforeAll(async () => {
    e2e = await startE2E();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-trace-e2e-'));
  });
  afterAll(async () => {
    await e2e?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A CSV export of 300 rows as the platform marks it for a consumer, written to a file. */
  async function markedCsv(): Promise<string> {
    const fp = await startDownloadMark(e2e.ctx, {
      channel: 'grant',
      format: 'csv',
      resourceCode: '361100/000001',
      entryId: randomUUID(),
      grant: { id: randomUUID(), no: `SQ-2026-9${suffix}` },
      department: { id: randomUUID(), name: `上饶市溯源测试局${suffix}` },
      user: { id: randomUUID(), username: `leaker_${suffix}`, realName: '溯源对象' },
      ip: '10.1.2.3',
    });
    const rows = [
      '编号,名称,登记日期',
      ...Array.from({ length: 300 }, (_, i) => `${i + 1},上饶企业${i + 1},2026-01-02`),
    ];
    const parts: Buffer[] = [];
    for await (const c of Readable.from([`\uFEFF${rows.join('\n')}\n`]).pipe(csvMarker(fp.key, fp.mark)))
      parts.push(Buffer.from(c as string));
    const file = path.join(dir, 'leak.csv');
    fs.writeFileSync(file, Buffer.concat(parts));
    return file;
  }

  it('names the department and user a leaked file was downloaded by, and says when a fragment is too small', async () => {
    const leak = await markedCsv();
    const page = await e2e.login('security');
    await page.getByTestId('menu-security-trace').click();
    const input = page.getByTestId('trace-upload').locator('input[type=file]');
    await input.setInputFiles(leak);
    const res = await expectCall(page, 'POST', '/api/security/trace', () => page.getByTestId('trace-start').click());
    expect(res.status()).toBe(200);
    await page.getByTestId('trace-verdict-matched').waitFor();
    const table = await page.getByTestId('trace-matches').innerText();
    for (const s of [`上饶市溯源测试局${suffix}`, `leaker_${suffix}`, '溯源对象', `SQ-2026-9${suffix}`, '共享授权导出'])
      expect(table).toContain(s);
    await maybeScreenshot(page, 'download-trace');

    const few = path.join(dir, 'few.csv');
    fs.writeFileSync(few, fs.readFileSync(leak, 'utf8').split('\n').slice(0, 6).join('\n'));
    await input.setInputFiles(few);
    await page.getByTestId('trace-start').click();
    await page.getByTestId('trace-verdict-too_few_rows').waitFor();
    expect(await page.getByTestId('trace-matches').count()).toBe(0);
    await page.context().close();
  });
});
