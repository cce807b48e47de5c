import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadExcel } from '../../src/server/platform/excel';
import { loadCjkFont } from '../../src/server/modules/supervision/export-pdf';
import type { TestApp } from '../helpers/app';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { engineApp, fakeIndicator, rows, value } from './engine';

/** Issue #16 point 2: a period's assessment exported to XLSX and to a PDF whose Chinese text is real text. */
const timeliness = fakeIndicator('test.timeliness', '申请按时办结率');
let t: TestApp;
let admin: Session;
let a: CatalogDepartment;
let b: CatalogDepartment;

beforeAll(async () => {
  t = await engineApp({ indicators: [timeliness] });
  admin = await platformAdmin(t);
  a = await catalogDepartment(t, { name: '上饶市公安局' });
  b = await catalogDepartment(t, { name: '上饶市自然资源局' });
  timeliness.values.set('2026-11', [value(a.id, 9, 10, rows('a', 10, 9)), value(b.id, 4, 10, rows('b', 10, 4))]);
  expectStatus(
    await t.inject({
      method: 'POST',
      url: '/api/supervision/snapshots',
      headers: admin.headers,
      payload: { period: '2026-11' },
    }),
    201,
  );
});
afterAll(async () => {
  await t?.close();
});

const get = (url: string, s: Session) => t.inject({ method: 'GET', url, headers: s.headers });

function pdfText(pdf: Buffer): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'govshare-pdf-')), 'a.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

describe('assessment exports', () => {
  it('exports the ranking to XLSX with every indicator and the weights', async () => {
    const res = expectStatus(await get('/api/supervision/periods/2026-11/export.xlsx', admin), 200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const ExcelJS = await loadExcel();
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('考核排名')!;
    const values = ws
      .getSheetValues()
      .filter(Boolean)
      .map((r) => (r as unknown[]).slice(1));
    expect(values[0]).toEqual(['2026年11月 部门考核结果']);
    expect(values[2]).toEqual(['排名', '部门', '得分', '考核等级', '申请按时办结率']);
    expect(values.slice(3)).toEqual([
      [1, '上饶市公安局', 90, '绿牌', 90],
      [2, '上饶市自然资源局', 40, '红牌', 40],
    ]);
    const weights = wb.getWorksheet('考核指标')!.getRow(2).values as unknown[];
    expect(weights.slice(1, 3)).toEqual(['申请按时办结率', 'test.timeliness']);
  });

  it('exports a PDF whose text pdftotext reads back in Chinese', async () => {
    const res = expectStatus(await get('/api/supervision/periods/2026-11/export.pdf', admin), 200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const text = pdfText(res.rawPayload);
    expect(text).toContain('2026年11月政务信息资源共享开放工作考核结果');
    expect(text).toContain('上饶市公安局');
    expect(text).toContain('上饶市自然资源局');
    expect(text).toContain('绿牌');
    expect(text).toContain('90.00');
  });

  it('gives a department only its own row', async () => {
    const res = expectStatus(await get('/api/supervision/periods/2026-11/export.pdf', b.leader), 200);
    const text = pdfText(res.rawPayload);
    expect(text).toContain('上饶市自然资源局');
    expect(text).not.toContain('上饶市公安局');
  });

  it('fails clearly without a Chinese font, and for a period without a snapshot', async () => {
    await expect(loadCjkFont(['/nonexistent/wqy-microhei.ttc'])).rejects.toMatchObject({
      code: 'SUPERVISION_PDF_FONT_MISSING',
      status: 503,
    });
    const none = await get('/api/supervision/periods/2026-09/export.pdf', admin);
    expect(none.statusCode).toBe(404);
  });
});
