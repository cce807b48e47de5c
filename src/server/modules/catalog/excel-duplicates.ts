import type { AppContext } from '../../app-context';
import { ENTRY_COLUMNS, ENTRY_SHEET, headerOf } from './excel-columns';
import type { ParsedEntry, RowError } from './excel-parse';
import { unpublishedNamed, type SameNameDraft } from './excel-repo';
import { VERSION_STATUSES } from '../../../shared/catalog/enums';
import { EntryInput } from '../../../shared/catalog/schemas';

/**
 * A re-imported workbook: rows named like a draft the department already has either update that
 * draft or are refused, as the uploader chose. Refusing is the default, so nothing is duplicated
 * or overwritten unasked. Published entries are not drafts and are not matched: a row named like
 * one creates a new draft, as every import did before.
 */
export const DUPLICATE_CHOICES = ['refuse', 'update'] as const;
export type DuplicateChoice = (typeof DUPLICATE_CHOICES)[number];

const EDITABLE = new Set(['draft', 'rejected']);

const nameOf = (e: ParsedEntry) => (typeof e.input.name === 'string' ? e.input.name.trim() : '');

function refusal(entry: ParsedEntry, column: 'name' | 'classCode', message: string, messageZh: string): RowError {
  return {
    sheet: ENTRY_SHEET,
    row: entry.row,
    column: headerOf(ENTRY_COLUMNS, column),
    message: `Row ${entry.row}: ${message}; not imported`,
    messageZh: `第 ${entry.row} 行：${messageZh}，未导入`,
  };
}

/** The drafts rows will update, and the rows refused (each with why). */
export async function matchDrafts(
  ctx: AppContext,
  departmentId: string,
  entries: ParsedEntry[],
  choice: DuplicateChoice,
): Promise<{ updates: Map<ParsedEntry, SameNameDraft>; errors: RowError[] }> {
  const byName = new Map<string, SameNameDraft[]>();
  const names = [...new Set(entries.map(nameOf).filter(Boolean))];
  for (const d of await unpublishedNamed(ctx.db, departmentId, names))
    byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  const updates = new Map<ParsedEntry, SameNameDraft>();
  const errors: RowError[] = [];
  for (const entry of entries) {
    const name = nameOf(entry);
    const drafts = byName.get(name);
    if (!drafts) continue;
    const [draft] = drafts;
    if (choice === 'refuse') {
      errors.push(
        refusal(
          entry,
          'name',
          `a draft named "${name}" already exists (${draft!.code})`,
          `已有同名草稿“${name}”（${draft!.code}）`,
        ),
      );
    } else if (drafts.length > 1) {
      errors.push(
        refusal(
          entry,
          'name',
          `${drafts.length} drafts are named "${name}" (${drafts.map((d) => d.code).join(', ')}), so which to update is unclear`,
          `已有 ${drafts.length} 条同名草稿“${name}”（${drafts.map((d) => d.code).join('、')}），无法确定更新哪一条`,
        ),
      );
    } else if (!EDITABLE.has(draft!.versionStatus)) {
      const status = VERSION_STATUSES[draft!.versionStatus];
      errors.push(
        refusal(
          entry,
          'name',
          `the draft named "${name}" (${draft!.code}) is ${status.en.toLowerCase()} and cannot be updated`,
          `同名草稿“${name}”（${draft!.code}）${status.zh}，不能更新`,
        ),
      );
    } else if (typeof entry.input.classCode === 'string' && entry.input.classCode.trim() !== draft!.classCode) {
      errors.push(
        refusal(
          entry,
          'classCode',
          `the draft named "${name}" is filed under class ${draft!.classCode}, which made its code ${draft!.code} and cannot change`,
          `同名草稿“${name}”的分类为 ${draft!.classCode}，信息资源代码 ${draft!.code} 已按分类生成，分类不能更改`,
        ),
      );
    } else {
      updates.set(entry, draft!);
    }
  }
  return { updates, errors };
}

/**
 * The row as the whole new content of the draft: a cell left empty clears the field (it would be
 * empty in a draft created from the row), rather than keeping the draft's old value.
 */
export function replacingPatch(entry: ParsedEntry): Partial<EntryInput> {
  return Object.fromEntries(Object.keys(EntryInput.properties).map((k) => [k, entry.input[k]])) as Partial<EntryInput>;
}
