import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { catalogDepartment, expectStatus, publishedEntry } from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { boundEntry, corpSource, type CorpSource } from './pull-fixtures';

let t: TestApp;
let src: CorpSource;
beforeAll(async () => {
  t = await testApp();
  src = await corpSource(40);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

type Library = {
  code: string;
  name: string;
  entries: Array<{ entryId: string; name: string; rows: number | null; lastLoadAt: string | null }>;
};

describe('base and theme libraries (R-26)', () => {
  it('groups published resources by 项 with the rows the center holds', async () => {
    const b = await boundEntry(t, src);
    await runPull(t.ctx, b.binding.id);
    const theme = await publishedEntry(t, { classCode: '201', name: '学校名录（主题库测试）' });
    const reader = await catalogDepartment(t);
    const base = expectStatus(
      await t.inject({ method: 'GET', url: '/api/exchange/libraries/base', headers: reader.user.headers }),
      200,
    ).json<Library[]>();
    expect(base.map((l) => l.code)).toEqual(expect.arrayContaining(['101', '102', '103', '104', '105']));
    const people = base.find((l) => l.code === '101')!;
    expect(people.entries.find((e) => e.entryId === b.entry.id)).toMatchObject({
      rows: 40,
      lastLoadAt: expect.any(String),
    });
    const themes = expectStatus(
      await t.inject({ method: 'GET', url: '/api/exchange/libraries/theme', headers: reader.user.headers }),
      200,
    ).json<Library[]>();
    expect(themes.every((l) => l.code.startsWith('2'))).toBe(true);
    expect(themes.find((l) => l.code === '201')!.entries.find((e) => e.entryId === theme.entry.id)).toMatchObject({
      rows: null,
      lastLoadAt: null,
    });
    expect(base.flatMap((l) => l.entries).some((e) => e.entryId === theme.entry.id)).toBe(false);
  });
});
