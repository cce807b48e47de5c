import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { expectStatus, signInAgain, sessionsOf } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { completeCreditCode, isValidCreditCode } from '../../src/shared/org/credit-code';
import { isValidIdNumber } from '../../src/shared/org/id-number';
import { boundEntry, corpSource, type CorpSource } from './pull-fixtures';

let t: TestApp;
let src: CorpSource;
const ROWS = 200;
beforeAll(async () => {
  t = await testApp();
  src = await corpSource(ROWS);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

describe('data quality after each load (R-27)', () => {
  it('checks 公民身份号码 check digits and birth dates', () => {
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false); // wrong check character
    expect(isValidIdNumber('110105194902300025')).toBe(false); // 30 February
    expect(isValidIdNumber('1101051949123100')).toBe(false);
  });

  it('measures completeness, accuracy, availability and timeliness, and keeps the history', async () => {
    // Half the credit codes made valid, ten dates missing.
    for (let id = 1; id <= ROWS / 2; id++)
      await src.exec('update corp set uscc = ? where id = ?', [
        completeCreditCode('91361100', `MA${String(id).padStart(6, '0')}`),
        id,
      ]);
    await src.exec('update corp set reg_date = null where id <= 10');
    const b = await boundEntry(t, src);
    await runPull(t.ctx, b.binding.id);
    const q = expectStatus(
      await t.inject({
        method: 'GET',
        url: `/api/exchange/entries/${b.entry.id}/quality`,
        headers: b.provider.user.headers,
      }),
      200,
    ).json();
    expect(q.latest).toMatchObject({ rows: ROWS, availability: 1 });
    expect(q.latest.completeness).toBeCloseTo((6 * ROWS - 10) / (6 * ROWS), 4);
    // The other half keep the fixture's made-up codes, of which the odd one may pass by chance.
    const invalid = Array.from(
      { length: ROWS / 2 },
      (_, k) => `91361100${String(ROWS / 2 + k + 1).padStart(9, '0')}X`,
    ).filter((c) => !isValidCreditCode(c)).length;
    expect(invalid).toBeGreaterThan(ROWS / 2 - 10);
    const uscc = q.latest.columns.find((c: { column: string }) => c.column === 'uscc');
    expect(uscc).toMatchObject({ rule: 'credit_code', checked: ROWS, invalid, filled: ROWS });
    expect(q.latest.accuracy).toBeCloseTo((ROWS - invalid) / ROWS, 4);
    expect(q.timely).toBe(true);
    expect(q.history).toHaveLength(1);

    // A daily resource not loaded for two days is no longer timely; a second load adds to the history.
    t.clock.advance(2 * 24 * 3600_000);
    await signInAgain(t, ...sessionsOf(b.provider));
    expect(
      (
        await t.inject({
          method: 'GET',
          url: `/api/exchange/entries/${b.entry.id}/quality`,
          headers: b.provider.user.headers,
        })
      ).json().timely,
    ).toBe(false);
    await runPull(t.ctx, b.binding.id);
    const again = (
      await t.inject({
        method: 'GET',
        url: `/api/exchange/entries/${b.entry.id}/quality`,
        headers: b.provider.user.headers,
      })
    ).json();
    expect(again.timely).toBe(true);
    expect(again.history).toHaveLength(2);
  });
});
