import { sql, type Kysely } from 'kysely';

/**
 * Catalog (R-01 … R-09): classification tree, entries with immutable versions and data items, code
 * sequences, reviews, change notices, subscriptions, objections, demands and responsibility items.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists pg_trgm;

    -- 信息资源分类: 类 (1 digit) / 项 (2) / 目 (3) / 细目 (variable); the code is the concatenation.
    create table catalog_class (
      code text primary key check (code ~ '^[1-3](\\d{2}(\\d{3}(\\d{1,6})?)?)?$'),
      name text not null,
      level text not null check (level in ('class', 'item', 'category', 'subcategory')),
      parent_code text references catalog_class(code),
      department_id uuid references department(id),
      sort int not null default 0,
      status text not null default 'active' check (status in ('active', 'inactive')),
      check ((level = 'class') = (parent_code is null))
    );

    -- 后段码: one counter per 前段码, only ever incremented, so a code is never handed out twice.
    create table catalog_code_seq (
      prefix text primary key,
      last_value int not null
    );

    create table open_domain (
      code text primary key,
      name_zh text not null unique,
      name_en text not null,
      sort int not null default 0
    );

    create table catalog_entry (
      id uuid primary key default gen_random_uuid(),
      code text not null unique,
      prefix text not null,
      seq int not null,
      class_code text not null references catalog_class(code),
      provider_department_id uuid not null references department(id),
      status text not null default 'draft' check (status in ('draft', 'published', 'deleted')),
      current_version_id uuid,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      unique (prefix, seq)
    );
    create index catalog_entry_provider on catalog_entry (provider_department_id);

    create table catalog_entry_version (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry(id),
      version_no int not null,
      change_kind text not null check (change_kind in ('create', 'update', 'delete')),
      status text not null check (status in ('draft', 'dept_review', 'platform_review', 'rejected', 'scheduled', 'published', 'superseded', 'withdrawn')),
      name text not null,
      summary text not null,
      provider_office text,
      format_kind text not null,
      format_type text,
      share_type text not null default 'unconditional' check (share_type in ('unconditional', 'conditional', 'none')),
      share_condition text,
      share_methods text[] not null default '{}',
      open_type text not null default 'none' check (open_type in ('unconditional', 'conditional', 'none')),
      open_condition text,
      update_cycle text not null,
      open_domains text[] not null default '{}',
      related_codes text[] not null default '{}',
      rejection_reason text,
      change_note text,
      impact jsonb,
      submitted_at timestamptz,
      approved_at timestamptz,
      published_at timestamptz,
      effective_at timestamptz,
      created_by uuid references app_user(id),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      search_doc tsvector,
      unique (entry_id, version_no)
    );
    alter table catalog_entry add constraint catalog_entry_current_version
      foreign key (current_version_id) references catalog_entry_version(id);
    create index catalog_version_status on catalog_entry_version (status);
    create index catalog_version_search on catalog_entry_version using gin (search_doc);
    create index catalog_version_name_trgm on catalog_entry_version using gin (name gin_trgm_ops);

    create table catalog_data_item (
      id uuid primary key default gen_random_uuid(),
      version_id uuid not null references catalog_entry_version(id) on delete cascade,
      position int not null,
      name text not null,
      field_name text,
      data_type char(1) not null check (data_type in ('C', 'N', 'Y', 'D', 'T', 'L', 'M', 'G', 'B', 'I', 'F')),
      length int check (length is null or length > 0),
      description text,
      sensitivity text not null default 'none' check (sensitivity in ('none', 'personal', 'sensitive')),
      mask_rule text,
      share_type text not null default 'unconditional' check (share_type in ('unconditional', 'conditional', 'none')),
      open_type text not null default 'none' check (open_type in ('unconditional', 'conditional', 'none')),
      unique (version_id, position)
    );

    create table catalog_review (
      id bigserial primary key,
      version_id uuid not null references catalog_entry_version(id),
      step text not null check (step in ('dept', 'platform')),
      decision text not null check (decision in ('approve', 'reject')),
      reason text,
      actor_id uuid not null references app_user(id),
      at timestamptz not null
    );
    create index catalog_review_version on catalog_review (version_id, id);

    create table catalog_subscription (
      entry_id uuid not null references catalog_entry(id),
      department_id uuid not null references department(id),
      user_id uuid not null references app_user(id),
      created_at timestamptz not null default now(),
      primary key (entry_id, user_id)
    );

    -- R-07: an impacting change or deletion announced to consumers at least a month before it takes effect.
    create table catalog_change_notice (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry(id),
      version_id uuid not null references catalog_entry_version(id),
      impact jsonb not null,
      notified_at timestamptz not null,
      effective_at timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'effective', 'cancelled')),
      recipients int not null default 0
    );

    create table catalog_objection (
      id uuid primary key default gen_random_uuid(),
      entry_id uuid not null references catalog_entry(id),
      version_id uuid references catalog_entry_version(id),
      kind text not null check (kind in ('catalog', 'data', 'request', 'service')),
      content text not null,
      raised_by uuid not null references app_user(id),
      raised_by_department_id uuid references department(id),
      raised_at timestamptz not null,
      due_at timestamptz not null,
      status text not null default 'open' check (status in ('open', 'answered', 'confirmed', 'reopened')),
      answer text,
      answered_by uuid references app_user(id),
      answered_at timestamptz,
      rating int check (rating between 1 and 5),
      closed_at timestamptz
    );
    create index catalog_objection_entry on catalog_objection (entry_id);

    -- R-09: 共享需求 filed by departments, aggregated by the platform into a 责任清单.
    create table catalog_demand (
      id uuid primary key default gen_random_uuid(),
      requester_department_id uuid not null references department(id),
      requester_id uuid not null references app_user(id),
      title text not null,
      description text not null,
      reason text not null,
      wanted_provider_department_id uuid references department(id),
      wanted_entry_id uuid references catalog_entry(id),
      status text not null default 'submitted' check (status in ('submitted', 'assigned', 'rejected', 'fulfilled')),
      admin_note text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    );

    create table responsibility_item (
      id uuid primary key default gen_random_uuid(),
      provider_department_id uuid not null references department(id),
      kind text not null check (kind in ('catalog', 'share', 'open')),
      description text not null,
      due_at timestamptz not null,
      entry_id uuid references catalog_entry(id),
      status text not null default 'open' check (status in ('open', 'fulfilled', 'cancelled')),
      created_by uuid not null references app_user(id),
      created_at timestamptz not null,
      fulfilled_at timestamptz
    );
    create table responsibility_item_demand (
      item_id uuid not null references responsibility_item(id),
      demand_id uuid not null references catalog_demand(id),
      primary key (item_id, demand_id)
    );
  `.execute(db);

  // Reference data, written out here (not read from code) so this migration never changes meaning.
  const classes: Array<[string, string, string, string | null, number]> = [
    ['1', '基础信息资源', 'class', null, 1],
    ['2', '主题信息资源', 'class', null, 2],
    ['3', '部门信息资源', 'class', null, 3],
    ...['人口', '法人单位', '自然资源和空间地理', '社会信用', '电子证照'].map(
      (name, i): [string, string, string, string, number] => [
        `1${String(i + 1).padStart(2, '0')}`,
        name,
        'item',
        '1',
        i + 1,
      ],
    ),
    ...[
      '公共服务',
      '健康保障',
      '社会保障',
      '食品药品安全',
      '安全生产',
      '价格监管',
      '能源安全',
      '信用体系',
      '城乡建设',
      '社区治理',
      '生态环保',
      '应急维稳',
    ].map((name, i): [string, string, string, string, number] => [
      `2${String(i + 1).padStart(2, '0')}`,
      name,
      'item',
      '2',
      i + 1,
    ]),
  ];
  for (const [code, name, level, parent, sort] of classes) {
    await sql`insert into catalog_class (code, name, level, parent_code, sort) values (${code}, ${name}, ${level}, ${parent}, ${sort})`.execute(
      db,
    );
  }
  const domains: Array<[string, string, string]> = [
    ['credit', '信用', 'Credit'],
    ['transport', '交通', 'Transport'],
    ['medical', '医疗', 'Medical care'],
    ['health', '卫生', 'Health'],
    ['employment', '就业', 'Employment'],
    ['social_security', '社保', 'Social security'],
    ['geography', '地理', 'Geography'],
    ['culture', '文化', 'Culture'],
    ['education', '教育', 'Education'],
    ['science', '科技', 'Science and technology'],
    ['energy', '能源', 'Energy'],
    ['agriculture', '农业', 'Agriculture'],
    ['environment', '环境', 'Environment'],
    ['economy', '经济', 'Economy'],
    ['finance', '金融', 'Finance'],
    ['safety', '安全', 'Public safety'],
    ['statistics', '统计', 'Statistics'],
    ['meteorology', '气象', 'Meteorology'],
    ['enterprise_supervision', '企业登记监管', 'Enterprise registration and supervision'],
  ];
  for (const [i, [code, zh, en]] of domains.entries()) {
    await sql`insert into open_domain (code, name_zh, name_en, sort) values (${code}, ${zh}, ${en}, ${i + 1})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table responsibility_item_demand, responsibility_item, catalog_demand, catalog_objection,
      catalog_change_notice, catalog_subscription, catalog_review, catalog_data_item;
    alter table catalog_entry drop constraint catalog_entry_current_version;
    drop table catalog_entry_version, catalog_entry, open_domain, catalog_code_seq, catalog_class;
  `.execute(db);
}
