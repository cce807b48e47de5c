import { sql } from 'kysely';
import type { Db } from '../../app-context';

/** Art 12: registered 服务接口 upstreams, and their health checks since `from`. */
export async function servicesAndHealth(db: Db, from: Date) {
  const [services, checks] = await Promise.all([
    db
      .selectFrom('gw_upstream')
      .select(sql<string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('gw_health_check')
      .where('at', '>=', from)
      .select([sql<string>`count(*)`.as('n'), sql<string>`count(*) filter (where ok)`.as('ok')])
      .executeTakeFirstOrThrow(),
  ]);
  return { services: Number(services.n), checks: Number(checks.n), ok: Number(checks.ok) };
}
