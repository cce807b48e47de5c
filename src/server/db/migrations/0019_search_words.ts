import { sql, type Kysely } from 'kysely';
import { pinyinKey } from '../../../shared/search/pinyin';

/** The synonym groups a new city starts with (admins edit them): government abbreviations and their full words. */
export const DEFAULT_SYNONYMS: string[][] = [
  ['社保', '社会保险'],
  ['医保', '医疗保险'],
  ['公积金', '住房公积金'],
  ['营业执照', '企业登记'],
  ['身份证', '居民身份证'],
  ['低保', '最低生活保障'],
  ['个体户', '个体工商户'],
  ['房产', '不动产'],
  ['驾照', '驾驶证'],
  ['工商', '市场监管'],
];

/**
 * Issue #12 point 3, search that understands how people ask:
 * - name_pinyin: a version's name as full pinyin and initials (catalog/pinyin.ts), written with its
 *   search document and copied into catalog_search, where a trigram index finds `shangrao` or `qydj`;
 * - search_synonym: groups of words that mean the same (社保 = 社会保险), applied when a query is parsed.
 * Pinyin is computed in Node (no SQL function for it), so existing versions are filled here in batches.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table catalog_entry_version add column name_pinyin text not null default '';
    alter table catalog_search add column name_pinyin text not null default '';
    create index catalog_search_pinyin_trgm on catalog_search using gin (name_pinyin gin_trgm_ops);

    create or replace function catalog_search_refresh(p_entry uuid) returns void language plpgsql as $$
    begin
      delete from catalog_search where entry_id = p_entry;
      insert into catalog_search (entry_id, version_id, entry_status, version_status, name, department_id, region_code,
          class_code, share_type, open_type, format_kind, share_methods, update_cycle, open_domains, published_at, search_doc,
          portal_open, name_pinyin)
        select e.id, v.id, e.status, v.status, v.name, e.provider_department_id, d.region_code, e.class_code, v.share_type,
          v.open_type, v.format_kind, v.share_methods, v.update_cycle, v.open_domains, v.published_at, v.search_doc,
          coalesce(e.portal_version_id = v.id, false), v.name_pinyin
        from catalog_entry e
          join catalog_entry_version v on v.id = e.current_version_id
          join department d on d.id = e.provider_department_id
        where e.id = p_entry;
    end $$;

    create table search_synonym (
      id uuid primary key default gen_random_uuid(),
      terms text[] not null check (cardinality(terms) between 2 and 20),
      updated_by uuid references app_user (id),
      updated_at timestamptz not null default now()
    );
  `.execute(db);
  for (const terms of DEFAULT_SYNONYMS) await db.insertInto('search_synonym').values({ terms }).execute();

  for (let after = '00000000-0000-0000-0000-000000000000'; ;) {
    const batch: Array<{ id: string; name: string }> = await db
      .selectFrom('catalog_entry_version')
      .select(['id', 'name'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(2000)
      .execute();
    if (!batch.length) break;
    await sql`
      update catalog_entry_version v set name_pinyin = x.key
      from unnest(${batch.map((b) => b.id)}::uuid[], ${batch.map((b) => pinyinKey(b.name))}::text[]) as x(id, key)
      where v.id = x.id`.execute(db);
    after = batch.at(-1)!.id;
  }
  await sql`update catalog_search s set name_pinyin = v.name_pinyin from catalog_entry_version v where v.id = s.version_id`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table search_synonym;
    create or replace function catalog_search_refresh(p_entry uuid) returns void language plpgsql as $$
    begin
      delete from catalog_search where entry_id = p_entry;
      insert into catalog_search (entry_id, version_id, entry_status, version_status, name, department_id, region_code,
          class_code, share_type, open_type, format_kind, share_methods, update_cycle, open_domains, published_at, search_doc,
          portal_open)
        select e.id, v.id, e.status, v.status, v.name, e.provider_department_id, d.region_code, e.class_code, v.share_type,
          v.open_type, v.format_kind, v.share_methods, v.update_cycle, v.open_domains, v.published_at, v.search_doc,
          coalesce(e.portal_version_id = v.id, false)
        from catalog_entry e
          join catalog_entry_version v on v.id = e.current_version_id
          join department d on d.id = e.provider_department_id
        where e.id = p_entry;
    end $$;
    alter table catalog_search drop column name_pinyin;
    alter table catalog_entry_version drop column name_pinyin;
  `.execute(db);
}
