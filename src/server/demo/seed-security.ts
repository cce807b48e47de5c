import type { AppContext } from '../app-context';
import type { Actor } from '../platform/context';
import { addDays, shanghaiDate } from '../platform/calendar/dates';
import { completeAction, createRecord } from '../modules/security-ops';

/**
 * The security register as a platform keeps it (R-46): this year's drill with one follow-up action still
 * open, and last year's assessment, its actions closed, whose year is nearly up (the administrators' to-do
 * home reminds them).
 */
export async function seedDemoSecurityRegister(ctx: AppContext, admin: Actor): Promise<void> {
  const today = shanghaiDate(ctx.clock.now());
  const assessment = await createRecord(ctx, admin, {
    kind: 'assessment',
    heldOn: addDays(today, -350),
    title: '共享交换平台网络安全等级保护测评（第三级）',
    scope: '政务信息资源共享交换平台、开放门户及数据资源中心',
    conductedBy: '（示例）某信息安全测评中心',
    findings: '两台应用服务器的操作系统补丁未及时更新；审计日志未单独备份',
    conclusion: '基本符合',
    actions: [
      { description: '更新应用服务器操作系统补丁', owner: '运维组', dueOn: addDays(today, -320) },
      { description: '审计日志每日异地备份', owner: '安全组', dueOn: addDays(today, -300) },
    ],
  });
  for (const a of assessment.actions) await completeAction(ctx, admin, a.id, '已完成，经复核');
  await createRecord(ctx, admin, {
    kind: 'drill',
    heldOn: addDays(today, -60),
    title: '共享平台数据泄露应急演练',
    scope: '共享交换平台服务接口网关；市大数据中心运维组、安全组',
    conductedBy: '上饶市大数据发展管理局',
    findings: '告警升级到值班领导用时 42 分钟，超过应急预案规定的 30 分钟',
    conclusion: '基本达到预期',
    actions: [{ description: '修订应急预案中的告警升级流程', owner: '安全组', dueOn: addDays(today, 30) }],
  });
}
