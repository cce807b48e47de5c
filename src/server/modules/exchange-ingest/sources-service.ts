import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest, conflict, forbidden, notFound } from '../../platform/errors';
import { secrets } from '../../platform/crypto/key-ring';
import { can } from '../../platform/rbac/permissions';
import { DEFAULT_PORTS, withConnector, withTarget } from './connectors';
import type { TargetSpec, TargetWriter } from './connectors/targets';
import type {
  ConnectionParams,
  SourceColumn,
  SourceConnector,
  SourceTable,
  TableRef,
  TestResult,
} from './connectors/types';
import * as repo from './sources-repo';
import type { Source, SourceInput, SourcePatch } from './schemas';
import { ALL, scopeOf } from '../../platform/rbac/scope';

/** R-21 sources: a department registers its databases; the platform reads them for table exchange. */

const viewerOf = (actor: Actor) => scopeOf(actor, 'exchange.source.read');

/** The secret is bound to its row, so a ciphertext copied onto another source does not open there. */
export const secretContext = (id: string) => `exchange_source.password:${id}`;

function toSource(r: repo.SourceRow): Source {
  return {
    id: r.id,
    departmentId: r.department_id,
    departmentName: r.department_name,
    name: r.name,
    kind: r.kind,
    host: r.host,
    port: r.port,
    database: r.database,
    username: r.username,
    options: r.options ?? {},
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    lastTest: r.last_test_at
      ? { at: r.last_test_at.toISOString(), ok: r.last_test_ok ?? false, message: r.last_test_message }
      : null,
  };
}

const nameTaken = () =>
  conflict('EXCHANGE_SOURCE_NAME_TAKEN', 'The department already has a source with this name', '本部门已有同名数据源');
const isUnique = (e: unknown) => (e as { code?: string }).code === '23505';

export async function listSources(ctx: AppContext, actor: Actor, departmentId?: string): Promise<Source[]> {
  return (await repo.listSources(ctx.db, viewerOf(actor), departmentId)).map(toSource);
}

async function load(ctx: AppContext, actor: Actor, id: string, manage: boolean): Promise<repo.SourceRow> {
  const r = await repo.findSource(ctx.db, id, viewerOf(actor));
  if (!r) throw notFound('Exchange source', '数据源');
  if (manage && !can(actor.roles, 'exchange.source.manage')) throw forbidden();
  return r;
}

export async function getSource(ctx: AppContext, actor: Actor, id: string): Promise<Source> {
  return toSource(await load(ctx, actor, id, false));
}

/** The platform registers for any department it names; a specialist only for its own. */
function targetDepartment(actor: Actor, requested: string | undefined): string {
  const scope = scopeOf(actor, 'exchange.source.manage');
  if (scope.kind === 'all') {
    const d = requested ?? actor.departmentId;
    if (!d)
      throw badRequest(
        'EXCHANGE_SOURCE_DEPARTMENT',
        'Name the department the source belongs to',
        '请指定数据源所属部门',
      );
    return d;
  }
  if (scope.kind === 'none') throw forbidden('Only department staff register sources', '只有部门人员可以登记数据源');
  if (requested && requested !== scope.departmentId)
    throw forbidden('Sources can be registered for your own department only', '只能为本部门登记数据源');
  return scope.departmentId;
}

export async function createSource(ctx: AppContext, actor: Actor, input: SourceInput): Promise<Source> {
  const departmentId = targetDepartment(actor, input.departmentId);
  if (!(await repo.departmentExists(ctx.db, departmentId))) throw notFound('Department', '部门');
  const id = randomUUID();
  const now = ctx.clock.now();
  try {
    await repo.insertSource(ctx.db, {
      id,
      department_id: departmentId,
      name: input.name.trim(),
      kind: input.kind,
      host: input.host,
      port: input.port ?? DEFAULT_PORTS[input.kind],
      database: input.database,
      username: input.username,
      password_secret: await secrets(ctx).seal(input.password, secretContext(id)),
      options: JSON.stringify(input.options ?? {}),
      created_by: actor.userId,
      created_at: now,
      updated_at: now,
    });
  } catch (e) {
    if (isUnique(e)) throw nameTaken();
    throw e;
  }
  return getSource(ctx, actor, id);
}

export async function updateSource(ctx: AppContext, actor: Actor, id: string, patch: SourcePatch): Promise<Source> {
  const r = await load(ctx, actor, id, true);
  const kind = patch.kind ?? r.kind;
  try {
    await repo.updateSource(ctx.db, id, {
      name: patch.name?.trim() ?? r.name,
      kind,
      host: patch.host ?? r.host,
      port: patch.port ?? (patch.kind && patch.kind !== r.kind ? DEFAULT_PORTS[kind] : r.port),
      database: patch.database ?? r.database,
      username: patch.username ?? r.username,
      // No password in the patch keeps the stored one: the form never receives it to send back.
      ...(patch.password !== undefined
        ? { password_secret: await secrets(ctx).seal(patch.password, secretContext(id)) }
        : {}),
      ...(patch.options ? { options: JSON.stringify(patch.options) } : {}),
      // A changed connection invalidates the last test.
      last_test_at: null,
      last_test_ok: null,
      last_test_message: null,
      updated_at: ctx.clock.now(),
    });
  } catch (e) {
    if (isUnique(e)) throw nameTaken();
    throw e;
  }
  return getSource(ctx, actor, id);
}

export async function deleteSource(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await load(ctx, actor, id, true);
  if ((await repo.deleteSource(ctx.db, id)) === 'in_use') {
    throw conflict(
      'EXCHANGE_SOURCE_IN_USE',
      'The source is still used by exchange jobs',
      '该数据源仍被交换任务使用，不能删除',
    );
  }
}

async function paramsOf(ctx: AppContext, r: repo.SourceRow): Promise<ConnectionParams> {
  return {
    kind: r.kind,
    host: r.host,
    port: r.port,
    database: r.database,
    username: r.username,
    password: await secrets(ctx).open(r.password_secret, secretContext(r.id)),
    options: r.options ?? {},
  };
}

/** For other exchange services (table jobs): the connector of a source the actor may use. */
export async function useSource<T>(
  ctx: AppContext,
  actor: Actor,
  id: string,
  fn: (c: SourceConnector) => Promise<T>,
): Promise<T> {
  const r = await load(ctx, actor, id, true);
  return withConnector(await paramsOf(ctx, r), fn);
}

/** For the platform's own table jobs (no user in the loop): the source's connector, closed after fn. */
export async function withSourceConnector<T>(
  ctx: AppContext,
  sourceId: string,
  fn: (c: SourceConnector) => Promise<T>,
): Promise<T> {
  // The job acts for the platform: it sees every department's sources.
  const r = await repo.findSource(ctx.db, sourceId, ALL);
  if (!r) throw notFound('Exchange source', '数据源');
  return withConnector(await paramsOf(ctx, r), fn);
}

/** For push jobs: a writer for one table of the source's database (a consumer's own database as a target). */
export async function withSourceTarget<T>(
  ctx: AppContext,
  sourceId: string,
  spec: (kind: ConnectionParams['kind'], database: string) => TargetSpec,
  fn: (w: TargetWriter) => Promise<T>,
): Promise<T> {
  const r = await repo.findSource(ctx.db, sourceId, ALL);
  if (!r) throw notFound('Exchange source', '数据源');
  return withTarget(await paramsOf(ctx, r), spec(r.kind, r.database), fn);
}

export async function testSource(ctx: AppContext, actor: Actor, id: string): Promise<TestResult> {
  const r = await load(ctx, actor, id, true);
  const result = await withConnector(await paramsOf(ctx, r), (c) => c.test());
  await repo.recordTest(
    ctx.db,
    id,
    ctx.clock.now(),
    result.ok,
    result.ok ? (result.serverVersion ?? result.message) : `${result.code ?? ''} ${result.messageZh}`.trim(),
  );
  return result;
}

export const listSourceTables = (ctx: AppContext, actor: Actor, id: string): Promise<SourceTable[]> =>
  useSource(ctx, actor, id, (c) => c.listTables());

/** `schema.name`; a name without a schema means the source's default (public, or the MySQL database). */
export function parseTableRef(text: string, kind: repo.SourceRow['kind'], database: string): TableRef {
  const dot = text.indexOf('.');
  if (dot < 0) return { schema: kind === 'postgresql' ? 'public' : database, name: text };
  const ref = { schema: text.slice(0, dot), name: text.slice(dot + 1) };
  if (!ref.schema || !ref.name)
    throw badRequest('EXCHANGE_TABLE_REF', 'Give the table as schema.name', '请按“模式.表名”填写表');
  return ref;
}

export async function describeSourceTable(
  ctx: AppContext,
  actor: Actor,
  id: string,
  table: string,
): Promise<SourceColumn[]> {
  const r = await load(ctx, actor, id, true);
  const ref = parseTableRef(table, r.kind, r.database);
  return withConnector(await paramsOf(ctx, r), (c) => c.describe(ref));
}
