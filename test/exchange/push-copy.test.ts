import { describe, expect, it } from 'vitest';
import { maskedBatches, type CopyPushBatch } from '../../src/server/modules/exchange-delivery/push-copy';
import { compileRule } from '../../src/server/platform/masking';

/**
 * The push's COPY text path (full pushes between PostgreSQL databases): unmasked fields pass as
 * bytes, masked ones are decoded, masked and escaped again, wherever the input's chunks break.
 */

// [key, name, id number, mobile, note] as PostgreSQL's COPY out writes them.
const INPUT =
  [
    'k1\t张三\t362301199001011234\t13812345678\tplain',
    'k\\t2\tback\\\\slash\t\\N\t+86 138-1234-5678\ttab\\there',
    'k3\t\t36230119900101123X\t\t\\N',
    'k4\t𠀀\t12\\n34\t138\\r\\n1234\tlast',
    'k5\tx\t362301199001011234\t13812345678\t\\\\N',
  ].join('\n') + '\n';

const EXPECTED_LINES = [
  'k1\t张三\t362301********1234\t138****5678\tplain',
  'k\\t2\tback\\\\slash\t\\N\t+86 138-****-5678\ttab\\there',
  'k3\t\t362301********123X\t\t\\N',
  // A line break inside a masked value stays escaped: the line count never changes.
  'k4\t𠀀\t1*\\n*4\t13*\\r\\n**34\tlast',
  'k5\tx\t362301********1234\t138****5678\t\\\\N',
];

const maskers = [
  { at: 3, mask: compileRule({ code: 'mobile' }) },
  { at: 2, mask: compileRule({ code: 'id_number' }) },
];

async function run(chunks: Buffer[], size: number, first = 1): Promise<CopyPushBatch[]> {
  const out: CopyPushBatch[] = [];
  for await (const b of maskedBatches(chunks, maskers, first, size)) out.push(b);
  return out;
}

describe('masked COPY text for pushes (R-43)', () => {
  it('masks only the masked fields and numbers the batches', async () => {
    const batches = await run([Buffer.from(INPUT)], 2, 7);
    expect(batches.map((b) => [b.batch, b.rows, b.lastKey])).toEqual([
      [7, 2, 'k\t2'],
      [8, 2, 'k4'],
      [9, 1, 'k5'],
    ]);
    const lines = batches.flatMap((b) => b.text.toString('utf8').split('\n').filter(Boolean));
    expect(lines).toEqual(EXPECTED_LINES.map((l, i) => `${l}\t${7 + Math.floor(i / 2)}`));
  });

  it('gives the same bytes wherever the input is cut into chunks', async () => {
    const input = Buffer.from(INPUT);
    const whole = Buffer.concat((await run([input], 3)).map((b) => b.text));
    for (let cut = 1; cut < input.length; cut++) {
      const split = await run([input.subarray(0, cut), input.subarray(cut)], 3);
      expect(Buffer.concat(split.map((b) => b.text)).equals(whole)).toBe(true);
    }
    const bytes = await run(
      [...input].map((b) => Buffer.from([b])),
      3,
    );
    expect(Buffer.concat(bytes.map((b) => b.text)).equals(whole)).toBe(true);
  });

  it('refuses input that ends inside a line rather than dropping it', async () => {
    await expect(run([Buffer.from('k1\ta\tb\tc\td')], 10)).rejects.toThrow('inside a line');
  });
});
