import { SHARE_METHODS, type ShareMethod } from '../../../shared/catalog/enums';
import { matchItems, type VersionContent } from './diff';
import { strictness } from '../../../shared/catalog/rules';

/**
 * R-07 (Art 9): does a change or deletion affect the departments using the resource? Anything that
 * can break a consumer's use — data taken away, renamed, retyped, or made harder to get — is
 * impacting and needs a month's notice; additions and wording changes are not.
 */
export type ImpactKind =
  | 'deletion'
  | 'item_removed'
  | 'item_renamed'
  | 'item_retyped'
  | 'item_share_tightened'
  | 'item_open_tightened'
  | 'share_type_tightened'
  | 'open_type_tightened'
  | 'share_method_removed';

export interface ImpactChange {
  kind: ImpactKind;
  item?: string;
  from?: unknown;
  to?: unknown;
  message: string;
  messageZh: string;
}

export interface Impact {
  impacting: boolean;
  changes: ImpactChange[];
}

const TRI_ZH = { unconditional: '无条件', conditional: '有条件', none: '不予' } as const;

export function assessImpact(current: VersionContent, next: VersionContent, changeKind: 'update' | 'delete'): Impact {
  const changes: ImpactChange[] = [];
  if (changeKind === 'delete') {
    changes.push({
      kind: 'deletion',
      message: 'The resource is withdrawn from the catalog',
      messageZh: '该信息资源将从目录中删除',
    });
    return { impacting: true, changes };
  }
  const { pairs, removed } = matchItems(current.items, next.items);
  for (const r of removed) {
    changes.push({
      kind: 'item_removed',
      item: r.name,
      message: `Item ${r.name} is removed`,
      messageZh: `信息项“${r.name}”被删除`,
    });
  }
  for (const { before: b, after: a } of pairs) {
    if (a.name !== b.name || (b.fieldName && a.fieldName !== b.fieldName)) {
      changes.push({
        kind: 'item_renamed',
        item: b.name,
        from: { name: b.name, fieldName: b.fieldName },
        to: { name: a.name, fieldName: a.fieldName },
        message: `Item ${b.name} is renamed to ${a.name}${a.fieldName !== b.fieldName ? ` (field ${b.fieldName} → ${a.fieldName})` : ''}`,
        messageZh: `信息项“${b.name}”更名为“${a.name}”${a.fieldName !== b.fieldName ? `（字段${b.fieldName ?? ''}→${a.fieldName ?? ''}）` : ''}`,
      });
    }
    // A longer field still holds the old values; a shorter one or another type may not.
    const shrunk = b.length !== null && a.length !== null && a.length < b.length;
    if (a.dataType !== b.dataType || shrunk) {
      changes.push({
        kind: 'item_retyped',
        item: a.name,
        from: { dataType: b.dataType, length: b.length },
        to: { dataType: a.dataType, length: a.length },
        message: `Item ${a.name} changes type ${b.dataType}(${b.length ?? ''}) → ${a.dataType}(${a.length ?? ''})`,
        messageZh: `信息项“${a.name}”数据类型或长度由${b.dataType}(${b.length ?? ''})改为${a.dataType}(${a.length ?? ''})`,
      });
    }
    if (strictness(a.shareType) > strictness(b.shareType)) {
      changes.push({
        kind: 'item_share_tightened',
        item: a.name,
        from: b.shareType,
        to: a.shareType,
        message: `Item ${a.name} is shared more restrictively`,
        messageZh: `信息项“${a.name}”共享类型由${TRI_ZH[b.shareType]}共享收紧为${TRI_ZH[a.shareType]}共享`,
      });
    }
    if (strictness(a.openType) > strictness(b.openType)) {
      changes.push({
        kind: 'item_open_tightened',
        item: a.name,
        from: b.openType,
        to: a.openType,
        message: `Item ${a.name} is opened more restrictively`,
        messageZh: `信息项“${a.name}”开放属性由${TRI_ZH[b.openType]}开放收紧为${TRI_ZH[a.openType]}开放`,
      });
    }
  }
  if (strictness(next.shareType) > strictness(current.shareType)) {
    changes.push({
      kind: 'share_type_tightened',
      from: current.shareType,
      to: next.shareType,
      message: `Sharing tightened from ${current.shareType} to ${next.shareType}`,
      messageZh: `共享类型由${TRI_ZH[current.shareType]}共享收紧为${TRI_ZH[next.shareType]}共享`,
    });
  }
  if (strictness(next.openType) > strictness(current.openType)) {
    changes.push({
      kind: 'open_type_tightened',
      from: current.openType,
      to: next.openType,
      message: `Opening tightened from ${current.openType} to ${next.openType}`,
      messageZh: `开放属性由${TRI_ZH[current.openType]}开放收紧为${TRI_ZH[next.openType]}开放`,
    });
  }
  for (const m of current.shareMethods.filter((x) => !next.shareMethods.includes(x))) {
    const zh = SHARE_METHODS[m as ShareMethod]?.zh ?? m;
    changes.push({
      kind: 'share_method_removed',
      from: m,
      message: `Share method ${m} is no longer offered`,
      messageZh: `不再提供“${zh}”共享方式`,
    });
  }
  return { impacting: changes.length > 0, changes };
}

/** One line for a notification body. */
export const impactSummaryZh = (impact: Impact) => impact.changes.map((c) => c.messageZh).join('；');
