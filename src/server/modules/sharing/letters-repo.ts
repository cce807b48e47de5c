import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

const META = ['id', 'department_id', 'uploaded_by', 'file_name', 'mime', 'size', 'sha256', 'uploaded_at'] as const;

export async function insertLetter(db: Db, row: NewRow<'sharing_letter'>) {
  return db.insertInto('sharing_letter').values(row).returning(META).executeTakeFirstOrThrow();
}

export function findLetterMeta(db: Db, id: string) {
  return db.selectFrom('sharing_letter').select(META).where('id', '=', id).executeTakeFirst();
}

export type LetterMetaRow = NonNullable<Awaited<ReturnType<typeof findLetterMeta>>>;

export function findLetterContent(db: Db, id: string) {
  return db
    .selectFrom('sharing_letter')
    .select(['file_name', 'mime', 'size', 'sha256', 'content'])
    .where('id', '=', id)
    .executeTakeFirst();
}
