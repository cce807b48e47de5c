import type { AppContext } from '../../src/server/app-context';
import type { Actor } from '../../src/server/platform/context';
import { createDepartment } from '../../src/server/modules/org/departments-service';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { createUser } from '../../src/server/modules/org/users-service';
import { createEntry } from '../../src/server/modules/catalog/entries-service';
import { deptReview, platformReview } from '../../src/server/modules/catalog/lifecycle-service';
import { submitVersion } from '../../src/server/modules/catalog/versions-service';
import { createSource } from '../../src/server/modules/exchange-ingest/sources-service';
import { saveBinding } from '../../src/server/modules/exchange-ingest/bindings-service';
import { saveMasking } from '../../src/server/modules/exchange-delivery/masking-service';
import { savePush } from '../../src/server/modules/exchange-delivery/push-service';
import { applyInfo, createRequest } from '../../src/server/modules/sharing/requests-service';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';

/**
 * A department, its specialist, leader and a platform administrator; a published 库表 entry with the
 * twelve columns of the benchmark table as data items; the MariaDB source and the binding — all
 * through the platform's own services, as the real API would make them.
 */
export interface BenchSetUp {
  bindingId: string;
  /** Masks 法定代表人身份证号 and 联系电话 for every channel, then grants all twelve items by 库表 and pushes into `targetDb`. */
  setUpPush(targetDb: string, targetUser: string): Promise<string>;
}

export async function setUpBinding(ctx: AppContext, mariaDb: string): Promise<BenchSetUp> {
  const dept = await createDepartment(ctx, {
    creditCode: completeCreditCode('11361100', 'MB123456'),
    name: '上饶市市场监督管理局（基准测试）',
    shortName: null,
    kind: 'government',
    regionCode: '361100',
    parentId: null,
  });
  const password = 'Bench@Passw0rd2026';
  const mk = async (username: string, role: string, departmentId: string | null): Promise<Actor> => {
    const u = await createUser(ctx, null, {
      username,
      realName: '测试员',
      roles: [role as never],
      departmentId,
      email: `${username}@bench.invalid`,
      password,
    });
    return {
      kind: 'staff',
      userId: u.id,
      username,
      realName: '测试员',
      departmentId,
      departmentName: departmentId ? dept.name : null,
      roles: [role],
      sessionKind: 'cookie',
      mfaPassed: true,
      tokenHash: '',
    };
  };
  const specialist = await mk('bench_zy', 'dept_specialist', dept.id);
  const leader = await mk('bench_ld', 'dept_leader', dept.id);
  const admin = await mk('bench_admin', 'platform_admin', null);
  const it = (name: string, fieldName: string, dataType: string, length: number | null) =>
    ({ name, fieldName, dataType, length, description: null }) as never;
  const entry = await createEntry(ctx, specialist, {
    classCode: '101',
    name: '企业登记信息（基准测试）',
    summary: '基准测试用的企业登记信息',
    formatKind: 'database',
    formatType: 'mysql',
    shareType: 'unconditional',
    shareCondition: null,
    shareMethods: ['table'],
    openType: 'none',
    openCondition: null,
    openDomains: [],
    updateCycle: 'daily',
    items: [
      it('企业编号', 'id', 'I', null),
      it('统一社会信用代码', 'uscc', 'C', 18),
      it('企业名称', 'name', 'C', 100),
      it('法定代表人', 'legal_rep', 'C', 50),
      it('法定代表人身份证号', 'id_no', 'C', 18),
      it('联系电话', 'phone', 'C', 20),
      it('住所', 'address', 'C', 200),
      it('成立日期', 'reg_date', 'D', null),
      it('注册资本', 'capital', 'Y', 14),
      it('从业人数', 'employees', 'I', null),
      it('是否存续', 'active', 'L', null),
      it('更新时间', 'updated_at', 'T', null),
    ],
  } as never);
  const versionId = entry.pending!.id;
  await submitVersion(ctx, specialist, versionId);
  await deptReview(ctx, leader, versionId, { decision: 'approve' });
  await platformReview(ctx, admin, versionId, { decision: 'approve' });
  const source = await createSource(ctx, specialist, {
    name: '企业登记库',
    kind: 'mysql',
    host: '127.0.0.1',
    port: 3306,
    database: mariaDb,
    username: 'root',
    password: '',
  });
  const binding = await saveBinding(ctx, specialist, entry.id, {
    sourceId: source.id,
    table: 'corp',
    keyColumns: ['id'],
  });
  return {
    bindingId: binding.id,
    async setUpPush(targetDb, targetUser) {
      await saveMasking(ctx, specialist, entry.id, [
        { field: 'id_no', channel: '*', rule: 'id_number' },
        { field: 'phone', channel: '*', rule: 'mobile' },
      ]);
      const consumer = await createDepartment(ctx, {
        creditCode: completeCreditCode('11361100', 'MB123457'),
        name: '上饶市人力资源和社会保障局（基准测试）',
        shortName: null,
        kind: 'government',
        regionCode: '361100',
        parentId: null,
      });
      const u = await createUser(ctx, null, {
        username: 'bench_rsj',
        realName: '测试员',
        roles: ['dept_specialist'],
        departmentId: consumer.id,
        email: 'bench_rsj@bench.invalid',
        password,
      });
      const actor: Actor = {
        kind: 'staff',
        userId: u.id,
        username: 'bench_rsj',
        realName: '测试员',
        departmentId: consumer.id,
        departmentName: consumer.name,
        roles: ['dept_specialist'],
        sessionKind: 'cookie',
        mfaPassed: true,
        tokenHash: '',
      };
      const info = await applyInfo(ctx, actor, entry.id);
      const request = await createRequest(ctx, actor, {
        entryId: entry.id,
        purpose: '基准测试：参保单位信息核验',
        systemName: '基准测试系统',
        itemIds: info.items.map((i) => i.id),
        method: 'table',
        acceptTerms: true,
        termsVersion: USE_TERMS.version,
      });
      const target = await createSource(ctx, actor, {
        name: '人社业务库',
        kind: 'postgresql',
        host: '127.0.0.1',
        port: 5432,
        database: targetDb,
        username: targetUser,
        password: 'unused-under-trust',
      });
      return (await savePush(ctx, actor, request.grant!.id, { targetId: target.id, table: 'corp_share' })).id;
    },
  };
}
