import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../src/server/app-context';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { searchTokens } from '../../src/server/modules/catalog/segment';
import {
  BUREAUS,
  COUNTIES,
  COUNTY_BUREAUS,
  CYCLE_WORDS,
  ITEM_EXTRAS,
  NAME_SUFFIXES,
  PURPOSES,
  SUBJECTS,
  type Subject,
} from './vocab';

/** Deterministic PRNG (mulberry32): the same catalog on every run, so runs compare. */
function prng(seed: number) {
  let a = seed;
  const next = () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}

interface Dept {
  id: string;
  name: string;
  bureau: string;
  county: string | null;
}

async function insertDepartments(db: Db): Promise<Dept[]> {
  const depts: Dept[] = [];
  for (const bureau of Object.keys(BUREAUS))
    depts.push({ id: randomUUID(), name: `上饶市${BUREAUS[bureau]}`, bureau, county: null });
  for (const [code, county] of COUNTIES) {
    for (const bureau of COUNTY_BUREAUS)
      depts.push({ id: randomUUID(), name: `${county}${BUREAUS[bureau]}`, bureau, county: code });
  }
  await db
    .insertInto('department')
    .values(
      depts.map((d, i) => ({
        id: d.id,
        credit_code: completeCreditCode(`11${d.county ?? '361100'}`, `B${String(i).padStart(7, '0')}`),
        name: d.name,
        short_name: null,
        kind: 'government' as const,
        region_code: d.county ?? '361100',
        parent_id: null,
        updated_at: new Date(),
      })),
    )
    .execute();
  return depts;
}

/**
 * The tsvector literal of setweight(to_tsvector('simple', name), 'A') || … items 'B' || … summary 'C':
 * each jieba token is a lexeme at the next position; `||` continues the right side's positions
 * after the left side's last one. run.ts checks a sample against PostgreSQL's own result.
 */
export function tsvectorLiteral(name: string, items: string[], summary: string): string {
  const lex = new Map<string, string[]>();
  let pos = 0;
  for (const [text, w] of [
    [name, 'A'],
    [items.join(' '), 'B'],
    [summary, 'C'],
  ] as const) {
    for (const t of searchTokens(text)) {
      pos++;
      const list = lex.get(t) ?? [];
      list.push(`${Math.min(pos, 16383)}${w}`);
      lex.set(t, list);
    }
  }
  return [...lex].map(([t, ps]) => `'${t.replace(/\\/g, '\\\\').replace(/'/g, "''")}':${ps.join(',')}`).join(' ');
}

export interface Generated {
  name: string;
  items: string[];
  summary: string;
}

function generate(r: ReturnType<typeof prng>, subject: Subject, dept: Dept): Generated {
  const county = dept.county ? COUNTIES.find(([c]) => c === dept.county)![1] : null;
  const place = county ?? (r.next() < 0.3 ? '上饶市' : '');
  const name = `${place}${subject.name}${r.pick(NAME_SUFFIXES)}`;
  const extras = ITEM_EXTRAS.filter(() => r.next() < 0.3);
  const items = [...subject.items.filter(() => r.next() < 0.9), ...extras];
  const listed = items.slice(0, 3 + Math.floor(r.next() * 3)).join('、');
  const area = r.next() < 0.4 ? `上饶市${county ?? ''}范围内` : county ? `${county}辖区内` : '全市';
  const summary =
    `${dept.name}汇集的${area}${subject.name}，包括${listed}等内容，${CYCLE_WORDS[subject.cycle] ?? ''}更新，` +
    `主要用于${r.pick(PURPOSES)}。数据经核验后通过共享交换平台提供。`;
  return { name, items, summary };
}

const BATCH = 5000;

/** Rows → one array per column, the shape unnest() takes. */
function columns<T extends object>(rows: T[]): { [K in keyof T]: Array<T[K]> } {
  const out = {} as { [K in keyof T]: Array<T[K]> };
  for (const row of rows) for (const k of Object.keys(row) as Array<keyof T>) (out[k] ??= []).push(row[k]);
  return out;
}

/** Inserts n published entries (with versions, data items and search documents) in batches. */
export async function loadCatalog(
  db: Db,
  n: number,
  onProgress: (done: number) => void,
): Promise<{ samples: Generated[] }> {
  const depts = await insertDepartments(db);
  const byBureau = new Map<string, Dept[]>();
  for (const d of depts) byBureau.set(d.bureau, [...(byBureau.get(d.bureau) ?? []), d]);
  const r = prng(20261124);
  const seqs = new Map<string, number>();
  const samples: Generated[] = [];
  const start = Date.UTC(2018, 0, 1);
  const span = Date.UTC(2026, 10, 1) - start;
  for (let done = 0; done < n; done += BATCH) {
    const entries: Array<{ id: string; code: string; prefix: string; seq: number; cls: string; dept: string }> = [];
    const versions: Array<
      Record<
        'id' | 'entry' | 'name' | 'summary' | 'fmt' | 'share' | 'methods' | 'open' | 'cycle' | 'domains' | 'at' | 'doc',
        string
      > & { cond: string | null }
    > = [];
    const items: Array<{ version: string; pos: number; name: string }> = [];
    for (let i = done; i < Math.min(n, done + BATCH); i++) {
      const subject = r.pick(SUBJECTS);
      const dept = r.pick(subject.bureaus.flatMap((b) => byBureau.get(b) ?? []));
      const g = generate(r, subject, dept);
      if (samples.length < 200 && i % 97 === 0) samples.push(g);
      const entryId = randomUUID();
      const versionId = randomUUID();
      const seq = (seqs.get(subject.classCode) ?? 0) + 1;
      seqs.set(subject.classCode, seq);
      entries.push({
        id: entryId,
        code: `${subject.classCode}/${String(seq).padStart(6, '0')}`,
        prefix: subject.classCode,
        seq,
        cls: subject.classCode,
        dept: dept.id,
      });
      versions.push({
        id: versionId,
        entry: entryId,
        name: g.name,
        summary: g.summary,
        fmt: subject.format,
        share: subject.share,
        cond: subject.share === 'unconditional' ? null : '依据《上饶市政务数据共享开放管理办法》，仅供依法履职使用',
        methods: `{${subject.format === 'service' ? 'api' : r.pick(['table', 'file', 'api', 'table,api'])}}`,
        open: subject.share === 'unconditional' ? subject.open : 'none',
        cycle: subject.cycle,
        domains: `{${subject.domains.join(',')}}`,
        at: new Date(start + r.next() * span).toISOString(),
        doc: tsvectorLiteral(g.name, g.items, g.summary),
      });
      g.items.forEach((name, p) => items.push({ version: versionId, pos: p + 1, name }));
    }
    const e = columns(entries);
    const v = columns(versions);
    const it = columns(items);
    // unnest over array parameters: one statement per batch, whatever its size.
    await sql`insert into catalog_entry (id, code, prefix, seq, class_code, provider_department_id, status)
      select id, code, prefix, seq, cls, dept, 'published'
      from unnest(${e.id}::uuid[], ${e.code}::text[], ${e.prefix}::text[], ${e.seq}::int[], ${e.cls}::text[], ${e.dept}::uuid[])
        as x(id, code, prefix, seq, cls, dept)`.execute(db);
    await sql`insert into catalog_entry_version (id, entry_id, version_no, change_kind, status, name, summary, format_kind, share_type,
        share_condition, share_methods, open_type, update_cycle, open_domains, published_at, approved_at, search_doc)
      select id, entry, 1, 'create', 'published', name, summary, fmt, share, cond, methods::text[], open, cycle, domains::text[], at, at, doc::tsvector
      from unnest(${v.id}::uuid[], ${v.entry}::uuid[], ${v.name}::text[], ${v.summary}::text[], ${v.fmt}::text[], ${v.share}::text[],
        ${v.cond}::text[], ${v.methods}::text[], ${v.open}::text[], ${v.cycle}::text[], ${v.domains}::text[], ${v.at}::timestamptz[], ${v.doc}::text[])
        as x(id, entry, name, summary, fmt, share, cond, methods, open, cycle, domains, at, doc)`.execute(db);
    await sql`insert into catalog_data_item (version_id, position, name, data_type)
      select version, pos, name, 'C' from unnest(${it.version}::uuid[], ${it.pos}::int[], ${it.name}::text[]) as x(version, pos, name)`.execute(
      db,
    );
    await sql`update catalog_entry e set current_version_id = x.id from unnest(${v.id}::uuid[], ${v.entry}::uuid[]) as x(id, entry) where e.id = x.entry`.execute(
      db,
    );
    onProgress(Math.min(n, done + BATCH));
  }
  // What autovacuum does soon after a bulk load: flush the GIN pending lists, set the visibility map, gather statistics.
  await sql`vacuum analyze`.execute(db);
  return { samples };
}
