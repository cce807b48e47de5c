import type { AppContext } from '../../src/server/app-context';
import type { Actor } from '../../src/server/platform/context';
import { createDepartment } from '../../src/server/modules/org/departments-service';
import { completeCreditCode } from '../../src/shared/org/credit-code';
import { createUser } from '../../src/server/modules/org/users-service';
import { createEntry } from '../../src/server/modules/catalog/entries-service';
import { deptReview, platformReview } from '../../src/server/modules/catalog/lifecycle-service';
import { submitVersion } from '../../src/server/modules/catalog/versions-service';
import { applyInfo, createRequest } from '../../src/server/modules/sharing/requests-service';
import { USE_TERMS } from '../../src/server/modules/sharing/use-limits';
import { saveUpstream } from '../../src/server/modules/gateway/upstreams-service';
import { createSystem } from '../../src/server/modules/gateway/systems-service';

/**
 * Through the platform's own services, as the API would make them: a provider with a published
 * 服务接口 entry (name and 身份证号 masked as personal data, phone not granted), its upstream registered
 * with the response fields mapped; a consumer granted name, 身份证号 and city with no call limits to
 * speak of; its system's app key and secret.
 */
export async function setUpGateway(ctx: AppContext, upstreamUrl: string) {
  let n = 0;
  const dept = async (name: string) =>
    createDepartment(ctx, {
      creditCode: completeCreditCode('11361100', `MG12345${n++}`),
      name,
      shortName: null,
      kind: 'government',
      regionCode: '361100',
      parentId: null,
    });
  const mk = async (username: string, role: string, d: { id: string; name: string } | null): Promise<Actor> => {
    const u = await createUser(ctx, null, {
      username,
      realName: '测试员',
      roles: [role as never],
      departmentId: d?.id ?? null,
      email: `${username}@bench.invalid`,
      password: 'Bench@Passw0rd2026',
    });
    return {
      kind: 'staff',
      userId: u.id,
      username,
      realName: '测试员',
      departmentId: d?.id ?? null,
      departmentName: d?.name ?? null,
      roles: [role],
      sessionKind: 'cookie',
      mfaPassed: true,
      tokenHash: '',
    };
  };
  const provider = await dept('上饶市公安局（基准测试）');
  const specialist = await mk('bench_gw_zy', 'dept_specialist', provider);
  const leader = await mk('bench_gw_ld', 'dept_leader', provider);
  const admin = await mk('bench_gw_admin', 'platform_admin', null);
  const item = (name: string, fieldName: string, sensitivity: string) =>
    ({ name, fieldName, dataType: 'C', length: 50, description: null, sensitivity }) as never;
  const entry = await createEntry(ctx, specialist, {
    classCode: '101',
    name: '人员基本信息查询接口（基准测试）',
    summary: '基准测试用的服务接口',
    formatKind: 'service',
    formatType: 'json',
    shareType: 'unconditional',
    shareCondition: null,
    shareMethods: ['api'],
    openType: 'none',
    openCondition: null,
    openDomains: [],
    updateCycle: 'realtime',
    items: [
      item('姓名', 'name', 'personal'),
      item('公民身份号码', 'id_card', 'personal'),
      item('手机号码', 'phone', 'personal'),
      item('所在城市', 'city', 'none'),
    ],
  } as never);
  const versionId = entry.pending!.id;
  await submitVersion(ctx, specialist, versionId);
  await deptReview(ctx, leader, versionId, { decision: 'approve' });
  await platformReview(ctx, admin, versionId, { decision: 'approve' });
  const upstream = await saveUpstream(ctx, specialist, entry.id, {
    baseUrl: upstreamUrl,
    specKind: 'openapi',
    operations: [
      {
        id: 'listPersons',
        method: 'GET',
        path: '/persons',
        summary: '人员列表',
        responseFormat: 'json',
        fields: [
          { path: '$.data[*].name', field: 'name' },
          { path: '$.data[*].idCard', field: 'id_card' },
          { path: '$.data[*].phone', field: 'phone' },
          { path: '$.data[*].address.city', field: 'city' },
        ],
      },
    ],
    auth: { kind: 'header', name: 'X-Upstream-Key', value: 'bench-upstream-key' },
    timeoutMs: 10_000,
    maxRequestBytes: 65_536,
    maxResponseBytes: 1_048_576,
    callsPerMinute: 1_000_000,
    dailyCallQuota: 1_000_000_000,
  });
  const consumerDept = await dept('上饶市人力资源和社会保障局（基准测试）');
  const consumer = await mk('bench_gw_rsj', 'dept_specialist', consumerDept);
  const info = await applyInfo(ctx, consumer, entry.id);
  await createRequest(ctx, consumer, {
    entryId: entry.id,
    purpose: '基准测试：参保人员身份核验',
    systemName: '基准测试系统',
    itemIds: info.items.filter((i) => i.fieldName !== 'phone').map((i) => i.id),
    method: 'api',
    acceptTerms: true,
    termsVersion: USE_TERMS.version,
  });
  const { system, appSecret } = await createSystem(ctx, consumer, { name: '社保经办系统（基准测试）' });
  return { code: upstream.entryCode, appKey: system.appKey, appSecret };
}
