import { describe, expect, it } from 'vitest';
import { csvRows, CsvSyntaxError } from '../../src/server/modules/exchange-ingest/upload-parse';

/** The CSV reader of table uploads (csv-parse underneath): cells, and rows numbered as an editor shows them. */
async function rows(text: string, chunk = 3) {
  const parts: Buffer[] = [];
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  const out: Array<[number, string[]]> = [];
  for await (const r of csvRows(parts)) out.push([r.row, r.cells]);
  return out;
}

describe('csvRows', () => {
  it('reads quoted commas, quotes and line breaks, drops a BOM and trims outside quotes', async () => {
    expect(await rows('\uFEFFuscc,corp_name\n"X1","甲,""乙""\r\n丙"\n\nX2,  丁  \n')).toEqual([
      [1, ['uscc', 'corp_name']],
      [2, ['X1', '甲,"乙"\n丙']],
      [5, ['X2', '丁']],
    ]);
  });

  it('numbers rows by their first line across CRLF, CR, blank lines and records of empty cells', async () => {
    expect(await rows('a,b\r\n\r\n\r\n1,"x\r\ny"\r\n2,3')).toEqual([
      [1, ['a', 'b']],
      [4, ['1', 'x\ny']],
      [6, ['2', '3']],
    ]);
    expect(await rows('a,b\r1,2\r3,4')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', '2']],
      [3, ['3', '4']],
    ]);
    expect(await rows('a,b\n,,\n1,2\n')).toEqual([
      [1, ['a', 'b']],
      [3, ['1', '2']],
    ]);
  });

  it('keeps a stray quote inside an unquoted value, as Excel does', async () => {
    expect(await rows('a,b\n1,ab"c\n')).toEqual([
      [1, ['a', 'b']],
      [2, ['1', 'ab"c']],
    ]);
  });

  it('reports a quoted value left open at the row it starts on', async () => {
    for (const [text, row] of [
      ['a,b\n1,"unterminated\n2,3\n', 2],
      ['a,b\n\n\n1,"unterminated\n2,3\n', 4],
      ['a,b\n"1\n2",3\n\n4,"open\n', 5],
    ] as const) {
      const err = await rows(text).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CsvSyntaxError);
      expect((err as CsvSyntaxError).row).toBe(row);
    }
  });
});
