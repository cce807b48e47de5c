import { Readable } from 'node:stream';
import type { AppContext } from '../app-context';
import type { Actor } from '../platform/context';
import { shanghaiDate } from '../platform/calendar/dates';
import { uploadLetter, applyInfo, createRequest, prereview, USE_TERMS } from '../modules/sharing';
import { publishedEntryId } from './seed-repo';

/** A stand-in for the scanned, sealed application letter (a valid PDF header, synthetic content). */
const DEMO_LETTER = Buffer.from(
  '%PDF-1.4\n% govshare demo: 关于申请共享数据的函（加盖公章）\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n',
);

interface DemoRequest {
  applicant: string;
  entry: string;
  provider: string;
  purpose: string;
  systemName: string;
  /** How far the demo takes it: granted at once (unconditional), waiting for the platform, or forwarded to the provider. */
  state: 'granted' | 'prereview' | 'provider_review';
}

/**
 * A few requests so the sharing pages are not empty on first start: grants in force, one request in
 * the platform's pre-review queue and one waiting for 人社局's answer. They avoid the entries the
 * browser tests apply for.
 */
const REQUESTS: DemoRequest[] = [
  {
    applicant: 'rsj_zy',
    entry: '行政处罚信息',
    provider: '上饶市市场监督管理局',
    purpose: '失业保险待遇审核中核查参保单位的行政处罚记录',
    systemName: '上饶市人社一体化经办系统',
    state: 'granted',
  },
  {
    applicant: 'scj_zy',
    entry: '职业技能等级证书信息',
    provider: '上饶市人力资源和社会保障局',
    purpose: '企业开办“一件事”中核验从业人员职业资格',
    systemName: '上饶市企业开办一网通办系统',
    state: 'granted',
  },
  {
    applicant: 'scj_zy',
    entry: '社会保障卡信息',
    provider: '上饶市人力资源和社会保障局',
    purpose: '个体工商户登记时核验经营者社会保障卡状态',
    systemName: '上饶市市场主体登记注册系统',
    state: 'provider_review',
  },
  {
    applicant: 'rsj_yh',
    entry: '不动产登记信息',
    provider: '上饶市不动产登记中心',
    purpose: '住房公积金与社保待遇联办中核验申请人名下不动产',
    systemName: '上饶市人社一体化经办系统',
    state: 'prereview',
  },
];

export async function seedDemoSharing(
  ctx: AppContext,
  actors: (username: string) => Actor,
  departmentId: (name: string) => string,
): Promise<number> {
  const today = shanghaiDate(ctx.clock.now());
  const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  for (const r of REQUESTS) {
    const actor = actors(r.applicant);
    const entryId = await publishedEntryId(ctx.db, r.entry, departmentId(r.provider));
    const info = await applyInfo(ctx, actor, entryId);
    const letter = info.letterRequired
      ? await uploadLetter(ctx, actor, { file: Readable.from([DEMO_LETTER]), fileName: '关于申请共享数据的函.pdf' })
      : null;
    const request = await createRequest(ctx, actor, {
      entryId,
      purpose: r.purpose,
      systemName: r.systemName,
      itemIds: info.items.filter((i) => i.requestable).map((i) => i.id),
      method: info.methods[0]!,
      periodFrom: today,
      periodTo: nextYear,
      ...(letter ? { letterId: letter.id } : {}),
      acceptTerms: true,
      termsVersion: USE_TERMS.version,
    });
    if (r.state === 'provider_review') await prereview(ctx, actors('admin'), request.id, { decision: 'forward' });
  }
  return REQUESTS.length;
}
