import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** open_attachment: files of reviews and applications. */

export type OwnerType = 'review' | 'application';

export async function insertAttachment(db: Db, row: NewRow<'open_attachment'>): Promise<string> {
  const r = await db.insertInto('open_attachment').values(row).returning('id').executeTakeFirstOrThrow();
  return r.id;
}

export const findAttachment = (db: Db, id: string) =>
  db.selectFrom('open_attachment').selectAll().where('id', '=', id).executeTakeFirst();

/** Binds the uploader's own unbound files to what they submit; returns how many were bound. */
export async function bind(db: Db, ids: string[], uploadedBy: string, owner: OwnerType, ownerId: string) {
  if (!ids.length) return 0;
  const r = await db
    .updateTable('open_attachment')
    .set({ owner_type: owner, owner_id: ownerId })
    .where('id', 'in', ids)
    .where('uploaded_by', '=', uploadedBy)
    .where('owner_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function attachmentsOf(db: Db, owner: OwnerType, ownerIds: string[]) {
  if (!ownerIds.length) return Promise.resolve([]);
  return db
    .selectFrom('open_attachment')
    .select(['id', 'owner_id', 'file_name', 'mime', 'size', 'created_at'])
    .where('owner_type', '=', owner)
    .where('owner_id', 'in', ownerIds)
    .orderBy('created_at')
    .execute();
}

/** Who may read a bound file: the dataset's provider for a review, the provider and applicant for an application. */
export function reviewOf(db: Db, reviewId: string) {
  return db
    .selectFrom('open_review as r')
    .innerJoin('catalog_entry as e', 'e.id', 'r.entry_id')
    .select(['e.provider_department_id'])
    .where('r.id', '=', reviewId)
    .executeTakeFirst();
}

export function applicationOf(db: Db, applicationId: string) {
  return db
    .selectFrom('open_application')
    .select(['provider_department_id', 'applicant_id'])
    .where('id', '=', applicationId)
    .executeTakeFirst();
}
