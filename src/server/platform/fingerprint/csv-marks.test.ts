import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvMarker, csvVotes } from './csv-marks';
import { jsonlVotes, markJsonLine } from './jsonl-marks';
import { agreement, tally } from './votes';

/** Fixed, so which bits 400 rows happen to cover is the same on every run. */
const key = Buffer.alloc(32, 7);
const mark = 0x8badf00d_deadbeefn;

/** Awkward values: quotes, commas, line breaks inside fields, empty fields, Chinese text. */
const rows = Array.from({ length: 400 }, (_, i) => [
  String(i),
  i % 7 === 0 ? '' : `上饶"企业",${i}`,
  i % 5 === 0 ? `第一行\n第二行${i}` : `名称${i}`,
  i % 3 === 0 ? '' : 'x',
]);
const text = `\uFEFF${stringify([['编号', '名称', '备注', '标记'], ...rows])}`;

/** The marker fed in chunks of `size` bytes, which split records, quoted line breaks and UTF-8 characters. */
async function markedIn(size: number): Promise<string> {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  let out = '';
  for await (const c of Readable.from(chunks).pipe(csvMarker(key, mark))) out += c as string;
  return out;
}

describe('CSV fingerprint', () => {
  it('keeps every value, the header and the BOM, however the text arrives, and every data row votes for the mark', async () => {
    const whole = await markedIn(1 << 20);
    expect(whole.startsWith('\uFEFF')).toBe(true);
    expect(whole).not.toBe(text);
    expect(parse(whole, { bom: true })).toEqual(parse(text, { bom: true }));
    for (const size of [1, 2, 3, 7, 64]) expect(await markedIn(size), `chunks of ${size}`).toBe(whole);

    // The header stays as written and votes at random; every data row agrees.
    expect(whole.split('\n')[0]).toBe(text.split('\n')[0]);
    const votes = csvVotes(key, whole);
    expect(votes).toHaveLength(rows.length + 1);
    expect(agreement(votes, mark)).toBeGreaterThanOrEqual(rows.length);
    expect(agreement(csvVotes(key, whole.split('\n').slice(1).join('\n')), mark)).toBe(rows.length);
    const t = tally(votes);
    expect(t.knownBits).toBeGreaterThan(56);
    expect((t.known ^ mark) & t.mask).toBe(0n);
    // The unmarked text votes at random.
    expect(agreement(csvVotes(key, text), mark)).toBeLessThan(votes.length * 0.7);
  });

  it('marks JSON lines by spacing alone', () => {
    const lines = rows.map((r) => JSON.stringify({ 编号: r[0], 名称: r[1], 备注: r[2] }));
    const marked = lines.map((l) => markJsonLine(key, mark, l));
    expect(marked.map((l) => JSON.parse(l) as unknown)).toEqual(lines.map((l) => JSON.parse(l) as unknown));
    expect(marked.filter((l, i) => l !== lines[i]).length).toBeGreaterThan(100);
    const votes = jsonlVotes(key, marked.join('\n'));
    expect(agreement(votes, mark)).toBe(rows.length);
  });
});
