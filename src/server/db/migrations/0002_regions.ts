import { sql, type Kysely } from 'kysely';

/**
 * Reference regions (GB/T 2260) for Shangrao: 江西省 → 上饶市 → 12 county-level divisions, plus the
 * three functional zones. Zones have no GB/T 2260 code; 361171–361173 are platform codes of our own,
 * taken from the 71–79 block that the statistics bureau's 统计用区划代码 uses for development zones, inside
 * 上饶市's 3611xx prefix so a code still says which city a zone belongs to. If an official code is ever
 * assigned, add it as a new row and repoint departments; never renumber these.
 */
const REGIONS: Array<
  [code: string, name: string, level: 'province' | 'city' | 'county' | 'zone', parent: string | null, sort: number]
> = [
  ['360000', '江西省', 'province', null, 0],
  ['361100', '上饶市', 'city', '360000', 0],
  ['361102', '信州区', 'county', '361100', 1],
  ['361103', '广丰区', 'county', '361100', 2],
  ['361104', '广信区', 'county', '361100', 3],
  ['361123', '玉山县', 'county', '361100', 4],
  ['361124', '铅山县', 'county', '361100', 5],
  ['361125', '横峰县', 'county', '361100', 6],
  ['361126', '弋阳县', 'county', '361100', 7],
  ['361127', '余干县', 'county', '361100', 8],
  ['361128', '鄱阳县', 'county', '361100', 9],
  ['361129', '万年县', 'county', '361100', 10],
  ['361130', '婺源县', 'county', '361100', 11],
  ['361181', '德兴市', 'county', '361100', 12],
  ['361171', '上饶经济技术开发区', 'zone', '361100', 21],
  ['361172', '三清山风景名胜区', 'zone', '361100', 22],
  ['361173', '上饶高铁经济试验区', 'zone', '361100', 23],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // Parents come first in the list, so one ordered insert satisfies the foreign key. A region that
  // already exists (added by hand before this migration) is left as it is.
  for (const [code, name, level, parent, sort] of REGIONS) {
    await sql`insert into region (code, name, level, parent_code, sort) values (${code}, ${name}, ${level}, ${parent}, ${sort})
      on conflict (code) do nothing`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [code] of [...REGIONS].reverse()) {
    await sql`delete from region where code = ${code} and not exists (select 1 from department where region_code = ${code})
      and not exists (select 1 from region c where c.parent_code = ${code})`.execute(db);
  }
}
