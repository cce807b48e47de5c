import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../helpers/app';
import { malformedValue, paramText, validValue, type Schema } from '../helpers/schema-arbitrary';
import { DEMO_PASSWORD, seedDemoIfEmpty } from '../../src/server/demo/seed';

/**
 * R-47 (issue #15 point 7): requests generated from the API's own description (/api/openapi.json) —
 * valid, boundary and malformed bodies, parameters and query strings, as every role and anonymous —
 * against every operation, on the Shangrao demo data. No answer is a 5xx, every refusal has the error
 * shape, and a refused change leaves every table as it was. CI runs a short, fixed-seed pass;
 * `npm run fuzz` a long one (FUZZ_RUNS per operation, FUZZ_SEED to replay a failure).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
// CI's two passes (PGlite, PostgreSQL) send different requests: two runs per operation between them.
const SEED = Number(process.env.FUZZ_SEED ?? 20261207 + (process.env.TEST_DATABASE_URL ? 1 : 0));

/** Demo accounts, one per role; null is anonymous. */
const ACCOUNTS = [null, 'admin', 'security', 'auditor', 'scj_zy', 'scj_ld', 'scj_yh', 'public'] as const;

/**
 * Routes left out: they end the session the fuzzer signs in with, or change its password or second
 * factor, after which every later request would be anonymous.
 */
const SKIP = [/^\/api\/auth\/(logout|password|mfa)/];

/** Tables a refusal may still write: the audit log records denials, sessions their last use. */
const MAY_CHANGE_ON_REFUSAL = new Set(['audit_event', 'audit_head', 'app_session', 'job']);

interface Operation {
  method: string;
  path: string;
  params: Array<{ in: string; name: string; required?: boolean; schema?: Schema }>;
  body?: Schema;
}

let t: TestApp;
const operations: Operation[] = [];
let ids: string[] = [];
const cookies = new Map<string, string>();

async function tableChecksums(): Promise<Record<string, string>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(t.ctx.db);
  // The audit log's monthly partitions (migration 0034) are audit_event.
  const names = tables.rows
    .map((r) => r.name)
    .filter((n) => !MAY_CHANGE_ON_REFUSAL.has(n) && !n.startsWith('audit_event_'));
  const r = await sql<{ name: string; sum: string }>`${sql.join(
    names.map(
      (n) =>
        sql`select ${n} as name, count(*)::text || ':' || coalesce(sum(hashtext(x::text)), 0)::text as sum from ${sql.table(n)} x`,
    ),
    sql` union all `,
  )}`.execute(t.ctx.db);
  return Object.fromEntries(r.rows.map((x) => [x.name, x.sum]));
}

beforeAll(async () => {
  t = await testApp();
  await seedDemoIfEmpty(t.ctx);
  for (const a of ACCOUNTS) if (a) cookies.set(a, (await t.login(a, DEMO_PASSWORD)).cookie);
  // Real ids of every kind (departments, entries, requests, grants …), so requests reach real rows; the
  // fuzzer's own accounts left out, so that disabling or changing one does not end its sessions.
  const mine = await t.ctx.db
    .selectFrom('app_user')
    .select('id')
    .where('username', 'in', ACCOUNTS.filter(Boolean) as string[])
    .execute();
  const own = new Set(mine.map((m) => m.id));
  const uuidTables = await sql<{ t: string; c: string }>`
    select c.table_name as t, c.column_name as c from information_schema.columns c
    join information_schema.table_constraints k on k.table_name = c.table_name and k.constraint_type = 'PRIMARY KEY'
    join information_schema.key_column_usage u on u.constraint_name = k.constraint_name and u.column_name = c.column_name
    where c.table_schema = 'public' and c.data_type = 'uuid'`.execute(t.ctx.db);
  for (const { t: table, c } of uuidTables.rows) {
    const r = await sql<{ id: string }>`select ${sql.ref(c)}::text as id from ${sql.table(table)} limit 5`.execute(
      t.ctx.db,
    );
    ids.push(...r.rows.map((x) => x.id).filter((id) => !own.has(id)));
  }
  ids = [...new Set(ids)];

  const doc = (await t.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
    paths: Record<
      string,
      Record<
        string,
        { parameters?: Operation['params']; requestBody?: { content?: Record<string, { schema?: Schema }> } }
      >
    >;
  }>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (SKIP.some((re) => re.test(path))) continue;
    for (const [method, op] of Object.entries(methods)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
}, 300_000);
afterAll(async () => {
  await t?.close();
});

/** Long runs of one character (the fuzzer's huge strings) shortened, for a readable failure. */
const short = (text: string) =>
  text.replace(/(.)\1{19,}/g, (run, c: string) => `${c.repeat(3)}…(${run.length})`).slice(0, 300);

/** URL-encoded; a lone surrogate (one of the nasty strings) cannot be, and goes as '?'. */
function enc(v: string): string {
  try {
    return encodeURIComponent(v);
  } catch {
    return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '?'));
  }
}

/** One request for an operation: who sends it, its path, query and body, each valid or not. */
function requestFor(op: Operation) {
  const pathParams = op.params.filter((p) => p.in === 'path');
  const queryParams = op.params.filter((p) => p.in === 'query');
  return fc.record({
    account: fc.constantFrom(...ACCOUNTS),
    path: fc
      .tuple(...pathParams.map((p) => paramText(p.schema, ids)))
      .map((values) => pathParams.reduce((url, p, i) => url.replace(`{${p.name}}`, enc(values[i]!)), op.path)),
    query: fc.tuple(...queryParams.map((p) => fc.option(paramText(p.schema, ids), { nil: undefined }))).map((values) =>
      queryParams
        .map((p, i) => (values[i] === undefined ? '' : `${enc(p.name)}=${enc(values[i]!)}`))
        .filter(Boolean)
        .join('&'),
    ),
    body: op.body
      ? fc.oneof(validValue(op.body, ids), malformedValue(op.body, ids), fc.constant('{"broken json'))
      : fc.constant(undefined),
  });
}

const CHANGES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('fuzzing every operation from /api/openapi.json', () => {
  it(
    'answers no request with a 5xx, refuses in the error shape, and changes nothing when it refuses',
    async () => {
      expect(operations.length).toBeGreaterThan(150);
      // The checksums see a change (else "nothing changed" would prove nothing).
      const before = await tableChecksums();
      await t.inject({
        method: 'PUT',
        url: '/api/calendar/days/2031-05-06',
        headers: { cookie: cookies.get('admin')! },
        payload: { isOffDay: true },
      });
      expect(await tableChecksums()).not.toEqual(before);

      const statuses = new Map<number, number>();
      // Every operation is fuzzed even when an earlier one failed: one run names every failing route.
      const failures: string[] = [];
      for (const [i, op] of operations.entries()) {
        await fc
          .assert(
            fc.asyncProperty(requestFor(op), async (r) => {
              const changes = CHANGES.has(op.method);
              const before = changes ? await tableChecksums() : null;
              const body =
                r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
              const res = await t.inject({
                method: op.method as 'GET',
                url: r.query ? `${r.path}?${r.query}` : r.path,
                headers: {
                  ...(r.account ? { cookie: cookies.get(r.account)! } : {}),
                  ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
                },
                ...(body !== undefined ? { payload: body } : {}),
              });
              statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
              const what = `${op.method} ${short(r.path)}${r.query ? `?${short(r.query)}` : ''} as ${r.account ?? 'anonymous'}: ${res.statusCode} ${short(res.body)}`;
              expect(res.statusCode, what).toBeLessThan(500);
              if (res.statusCode >= 400) {
                const json = JSON.parse(res.body) as {
                  success?: boolean;
                  error?: { code?: unknown; message?: unknown; __type?: unknown };
                };
                if (/^\/api\/(3\/)?action\//.test(op.path) && json.error?.code !== 'URL_PARAM_TOO_LONG') {
                  // The CKAN action API answers in CKAN's own shape, which harvesters parse (docs/interop.md);
                  // a URL the router refuses before any route does not reach it.
                  expect(json.success, what).toBe(false);
                  expect(typeof json.error?.__type, what).toBe('string');
                } else {
                  expect(typeof json.error?.code, what).toBe('string');
                  expect(typeof json.error?.message, what).toBe('string');
                }
                if (before) expect(await tableChecksums(), what).toEqual(before);
              }
            }),
            // A seed per operation, or every one would draw the same account first. A few runs:
            // unbiased, or each would get the simplest request (anonymous, empty); long runs keep
            // fast-check's bias towards small and boundary values.
            { numRuns: RUNS, seed: SEED + i, endOnFailure: true, unbiased: RUNS < 5 },
          )
          .catch((e: unknown) => failures.push(String((e as Error).cause ?? e).slice(0, 600)));
      }
      expect(failures, failures.join('\n\n')).toEqual([]);
      const answered = [...statuses].sort(([a], [b]) => a - b);
      console.log(`fuzz: ${operations.length} operations, answers ${answered.map(([c, n]) => `${c}×${n}`).join(' ')}`);
      // Some requests got through every check (not all refused at the door), some were refused.
      expect(answered.some(([c]) => c < 300)).toBe(true);
      expect(answered.some(([c]) => c >= 400)).toBe(true);
    },
    Math.max(600_000, RUNS * 250 * 100),
  );
});
