import { recordSystemAudit } from '../platform/audit/service';
import type { AppContext } from '../app-context';
import { type Role, ROLE_NAMES } from '../platform/rbac/roles';
import { countDepartments, createDepartment, createSpecialist, createUser } from '../modules/org';
import { BDC, DEMO_DEPARTMENTS, GAJ, OPERATOR, RSJ, SCJ, demoCreditCode } from './departments';
import { lockSeeding } from './seed-repo';
import { seedDemoCatalog } from './seed-catalog';
import { seedDemoSharing } from './seed-sharing';
import { seedDemoRows } from './seed-exchange';
import { seedDemoPortal, seedDemoPublicAccount } from './seed-open';
import { seedDemoSecurityRegister } from './seed-security';
import type { Actor } from '../platform/context';

/** Every demo account's password; meets the password policy (checked when the seed creates them). */
export const DEMO_PASSWORD = 'Govshare@2026';

interface DemoAccount {
  username: string;
  realName: string;
  role: Role;
  department?: string;
}

/** Synthetic people; the three separated roles hold no department (三员分立). */
const ACCOUNTS: DemoAccount[] = [
  { username: 'admin', realName: '张明', role: 'platform_admin' },
  { username: 'security', realName: '李华', role: 'security_admin' },
  { username: 'auditor', realName: '王芳', role: 'auditor' },
  { username: 'scj_zy', realName: '刘洋', role: 'dept_specialist', department: SCJ },
  { username: 'scj_ld', realName: '陈静', role: 'dept_leader', department: SCJ },
  { username: 'scj_yh', realName: '杨帆', role: 'dept_user', department: SCJ },
  { username: 'rsj_zy', realName: '赵磊', role: 'dept_specialist', department: RSJ },
  { username: 'rsj_yh', realName: '周婷', role: 'dept_user', department: RSJ },
  // Departments the demo requests wait on (a request to them can be carried to its end).
  { username: 'gaj_zy', realName: '钱军', role: 'dept_specialist', department: GAJ },
  { username: 'gaj_ld', realName: '邓飞', role: 'dept_leader', department: GAJ },
  { username: 'bdc_zy', realName: '曹宇', role: 'dept_specialist', department: BDC },
  { username: 'bdc_ld', realName: '彭敏', role: 'dept_leader', department: BDC },
  { username: 'public', realName: '吴刚', role: 'public_user' },
];

export const DEMO_ACCOUNTS: Array<{ username: string; roleLabel: string; department?: string }> = ACCOUNTS.map((a) => ({
  username: a.username,
  roleLabel: ROLE_NAMES[a.role].zh,
  ...(a.department ? { department: a.department } : {}),
}));

/** Registered specialists; `account` links the record to a demo login. Numbers are synthetic. */
const SPECIALISTS: Array<{
  department: string;
  name: string;
  title: string;
  mobile: string;
  phone?: string;
  account?: string;
}> = [
  { department: OPERATOR, name: '孙伟', title: '数据资源科科长', mobile: '13800000101', phone: '0793-0000101' },
  { department: SCJ, name: '刘洋', title: '信息中心主任', mobile: '13800000102', account: 'scj_zy' },
  { department: RSJ, name: '赵磊', title: '信息化科副科长', mobile: '13900000103', account: 'rsj_zy' },
  { department: GAJ, name: '钱军', title: '科技信息化支队民警', mobile: '13900000104', account: 'gaj_zy' },
  { department: BDC, name: '曹宇', title: '信息科科长', mobile: '13800000109', account: 'bdc_zy' },
  { department: '上饶市自然资源局', name: '郑丽', title: '信息中心工程师', mobile: '13800000105' },
  { department: '上饶市卫生健康委员会', name: '冯涛', title: '规划信息科科员', mobile: '13900000106' },
  { department: '婺源县文化广电新闻出版旅游局', name: '何雪', title: '办公室副主任', mobile: '13800000107' },
  { department: '上饶市供水集团有限公司', name: '许强', title: '信息技术部经理', mobile: '13900000108' },
];

/**
 * Fills an empty database with Shangrao departments, one account per role, a specialists registry
 * and the demo catalog, all in one transaction and through the same services the API uses (so the
 * data obeys the same rules). Returns false, changing nothing, when any department exists already.
 */
export async function seedDemoIfEmpty(ctx: AppContext): Promise<boolean> {
  return ctx.db.transaction().execute(async (trx) => {
    await lockSeeding(trx);
    const tctx: AppContext = { ...ctx, db: trx };
    if ((await countDepartments(tctx)) > 0) return false;

    const deptIds = new Map<string, string>();
    for (const [i, dept] of DEMO_DEPARTMENTS.entries()) {
      const parentId = dept.parent ? deptIds.get(dept.parent) : undefined;
      if (dept.parent && !parentId) throw new Error(`demo data: parent ${dept.parent} must come before ${dept.name}`);
      const created = await createDepartment(tctx, {
        creditCode: demoCreditCode(dept, i),
        name: dept.name,
        shortName: dept.shortName,
        kind: dept.kind,
        regionCode: dept.regionCode,
        parentId: parentId ?? null,
      });
      deptIds.set(dept.name, created.id);
    }
    const deptId = (name: string) => {
      const id = deptIds.get(name);
      if (!id) throw new Error(`demo data: no department ${name}`);
      return id;
    };

    const userIds = new Map<string, string>();
    for (const a of ACCOUNTS) {
      const u = await createUser(tctx, null, {
        username: a.username,
        realName: a.realName,
        roles: [a.role],
        departmentId: a.department ? deptId(a.department) : null,
        email: `${a.username.replace(/_/g, '.')}@demo.govshare.invalid`,
        password: DEMO_PASSWORD,
      });
      userIds.set(a.username, u.id);
    }

    // Before the specialists registry so that its notices stay the newest in the administrator's inbox.
    const catalog = await seedDemoCatalog(tctx, deptIds);

    for (const s of SPECIALISTS) {
      await createSpecialist(tctx, null, {
        departmentId: deptId(s.department),
        userId: s.account ? (userIds.get(s.account) ?? null) : null,
        name: s.name,
        title: s.title,
        mobile: s.mobile,
        phone: s.phone ?? null,
        activeFrom: '2025-01-01',
      });
    }
    const accounts = new Map(ACCOUNTS.map((a) => [a.username, a]));
    const actor = (username: string): Actor => {
      const a = accounts.get(username)!;
      return {
        kind: 'staff',
        userId: userIds.get(username)!,
        username,
        realName: a.realName,
        departmentId: a.department ? deptId(a.department) : null,
        departmentName: a.department ?? null,
        roles: [a.role],
        sessionKind: 'cookie',
        mfaPassed: true,
        tokenHash: '',
      };
    };
    await seedDemoPublicAccount(tctx, userIds.get('public')!, accounts.get('public')!.realName);
    const requests = await seedDemoSharing(tctx, actor, deptId);
    const opened = await seedDemoPortal(
      tctx,
      actor('admin'),
      ACCOUNTS.filter((a) => a.role === 'dept_leader').map((a) => actor(a.username)),
    );
    await seedDemoSecurityRegister(tctx, actor('security'));
    // In the same transaction, so a failed seed leaves no half-filled tables behind (and it takes seconds only).
    const data =
      ctx.config.demoRows > 0
        ? await seedDemoRows(tctx, deptId, { scale: ctx.config.demoRows })
        : { tables: 0, rows: 0, ms: 0 };

    // One record for the whole seed, in its transaction: the demo rows did not come from requests.
    await recordSystemAudit(tctx, 'demo-seed', {
      category: 'admin',
      action: 'demo.seed',
      rowCount: DEMO_DEPARTMENTS.length + ACCOUNTS.length + SPECIALISTS.length + catalog.entries,
      detail: {
        departments: DEMO_DEPARTMENTS.length,
        accounts: ACCOUNTS.length,
        specialists: SPECIALISTS.length,
        ...catalog,
        shareRequests: requests,
        openDatasets: opened,
        dataTables: data.tables,
        dataRows: data.rows,
      },
    });
    ctx.log.info(
      `demo data seeded: ${DEMO_DEPARTMENTS.length} departments, ${ACCOUNTS.length} accounts, ${SPECIALISTS.length} data specialists, ` +
        `${catalog.entries} catalog entries (${catalog.published} published), ${requests} share requests, ` +
        `${data.rows} synthetic rows in ${data.tables} tables (${data.ms} ms)`,
    );
    return true;
  });
}
