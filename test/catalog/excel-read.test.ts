import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment } from './factory';
import {
  bigWorkbook,
  entryCount,
  entryRow,
  inExcelOrder,
  itemRow,
  runImport,
  slowTempFiles,
  workbook,
} from './excel-helpers';
import { readWorkbook } from '../../src/server/modules/catalog/excel-parse';

/**
 * A valid workbook failed to import about once in forty tries ("无法读取该文件", logged as
 * "TypeError: Cannot read properties of undefined (reading 'sheets')") and went through when sent
 * again. exceljs's streaming reader stopped at the end of the archive's bytes while parts it had
 * already unpacked were still queued, whenever spooling a worksheet to its temp file took longer
 * than unpacking the rest; xl/workbook.xml, which exceljs writes last, was lost. These tests make
 * that spooling slow on purpose, so the interleaving that was rare happens every time.
 */
let dir: string;
let undo: (() => void) | undefined;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'govshare-excel-read-'));
});
afterEach(() => {
  undo?.();
  undo = undefined;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function read(file: Buffer) {
  const p = path.join(dir, `${Math.random().toString(36).slice(2)}.xlsx`);
  await writeFile(p, file);
  const sheets = await readWorkbook(p);
  return Object.fromEntries([...sheets].map(([name, s]) => [name, s.rows.map((r) => [...r.cells.values()])]));
}

describe('reading a workbook', () => {
  it('reads every sheet of a workbook written by exceljs (the template) when its temp files are slow', async () => {
    undo = slowTempFiles(5);
    const sheets = await read(await bigWorkbook(40, '慢速读取'));
    expect(sheets['信息资源']).toHaveLength(40);
    expect(sheets['信息项']).toHaveLength(80);
    expect(sheets['信息资源']![39]).toContain('慢速读取40');
  });

  it('reads a workbook in Excel’s part order (shared strings after the sheets) when temp files are slow', async () => {
    undo = slowTempFiles(5);
    const sheets = await read(
      inExcelOrder(await workbook([entryRow({ 信息资源名称: 'Excel保存的资源' })], [itemRow(2)])),
    );
    expect(sheets['信息资源']).toEqual([expect.arrayContaining(['Excel保存的资源', '数据库', '无条件共享'])]);
    expect(sheets['信息项']).toHaveLength(1);
  });

  it('keeps Chinese text whole wherever the unpacked XML is cut into chunks', async () => {
    // Long Chinese names fill the shared strings, so chunk boundaries fall inside three-byte characters.
    const names = Array.from({ length: 300 }, (_, k) => `${'上饶市不动产登记中心信息资源'.repeat(8)}${k}`);
    const sheets = await read(await workbook(names.map((n) => entryRow({ 信息资源名称: n }))));
    expect(sheets['信息资源']!.map((cells) => cells[1])).toEqual(names);
  });
});

describe('importing under a slow disk', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp();
  });
  afterAll(() => t.close());

  it('imports the whole valid workbook, every time', async () => {
    const dept = await catalogDepartment(t);
    undo = slowTempFiles(5);
    for (const round of [1, 2, 3]) {
      const last = await runImport(t, dept.specialist.headers, await bigWorkbook(20, `第${round}轮导入`));
      expect(last).toMatchObject({ status: 'done', total: 20, processed: 20 });
    }
    expect(await entryCount(t, dept.id)).toBe(60);
  });
});
