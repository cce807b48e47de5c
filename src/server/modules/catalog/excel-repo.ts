import { sql } from 'kysely';
import type { Db } from '../../app-context';
import type { VersionStatus } from '../../../shared/catalog/enums';
import { latestVersion } from './entries-repo';

/** An entry of the department never published yet, named like a row of an uploaded workbook. */
export interface SameNameDraft {
  entryId: string;
  code: string;
  classCode: string;
  name: string;
  /** Its latest version: a draft or returned one can be updated, one in review cannot. */
  versionId: string;
  versionStatus: VersionStatus;
}

/**
 * The department's unpublished entries whose latest version bears one of `names`. Published and
 * deleted entries are left out: a re-import matches drafts only.
 */
export async function unpublishedNamed(db: Db, departmentId: string, names: string[]): Promise<SameNameDraft[]> {
  if (!names.length) return [];
  return db
    .selectFrom('catalog_entry as e')
    .innerJoin('catalog_entry_version as v', 'v.entry_id', 'e.id')
    .select([
      'e.id as entryId',
      'e.code',
      'e.class_code as classCode',
      'v.name',
      'v.id as versionId',
      'v.status as versionStatus',
    ])
    .where('e.provider_department_id', '=', departmentId)
    .where('e.status', '=', 'draft')
    .where(sql<boolean>`v.name = any(${names}::text[])`)
    .where(latestVersion)
    .orderBy('e.code')
    .execute();
}
