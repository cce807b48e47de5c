/**
 * Prints EXPLAIN (ANALYZE, BUFFERS) for every statement one search runs, to find out where the time
 * goes. Keep a benchmark database with BENCH_KEEP=1, then:
 *   npx tsx bench/catalog-search/explain.ts postgres://postgres@127.0.0.1:5432/bench_… 不动产
 * (an empty or missing text explains browsing).
 */
import pg from 'pg';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import type { DB } from '../../src/server/db/types';
import type { AppContext } from '../../src/server/app-context';
import { searchEntries } from '../../src/server/modules/catalog/search-service';

async function main() {
  const [url, q = ''] = process.argv.slice(2);
  if (!url) throw new Error('usage: explain.ts <database url> [search text]');
  const seen: CompiledQuery[] = [];
  const db = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    log: (e) => {
      if (e.level === 'query') seen.push(e.query);
    },
  });
  // Search reads only ctx.db and, for its result cache, ctx.config (off: every statement is seen).
  const ctx = { db, config: { searchCacheSize: 0 } } as unknown as AppContext;
  await searchEntries(ctx, { roles: ['dept_user'] }, { q, pageSize: 20 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The search's own EXPLAIN (its estimate of the matches) cannot be explained again.
  for (const query of seen.filter((q) => !/^\s*explain/i.test(q.sql))) {
    const r = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, summary) ${query.sql}`, [
      ...query.parameters,
    ]);
    console.log(
      `\n${query.sql}\n${JSON.stringify(query.parameters)}\n${r.rows.map((x) => x['QUERY PLAN']).join('\n')}`,
    );
  }
  await client.end();
  await db.destroy();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
