import type { Db } from '../../app-context';
import type { NewRow } from '../../db/types';

/** attachment: the platform's one table of uploaded evidence and materials, owned by what they are attached to. */

export async function insertAttachment(db: Db, row: NewRow<'attachment'>): Promise<{ id: string; created_at: Date }> {
  return db.insertInto('attachment').values(row).returning(['id', 'created_at']).executeTakeFirstOrThrow();
}

export const findAttachment = (db: Db, id: string) =>
  db.selectFrom('attachment').selectAll().where('id', '=', id).executeTakeFirst();

/** Binds the uploader's own unbound files to their owner; returns how many were bound. */
export async function bindAttachments(
  db: Db,
  ids: string[],
  uploadedBy: string,
  ownerType: string,
  ownerId: string,
): Promise<number> {
  if (!ids.length) return 0;
  const r = await db
    .updateTable('attachment')
    .set({ owner_type: ownerType, owner_id: ownerId })
    .where('id', 'in', ids)
    .where('uploaded_by', '=', uploadedBy)
    .where('owner_id', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function attachmentsOf(db: Db, ownerType: string, ownerIds: string[]) {
  if (!ownerIds.length) return Promise.resolve([]);
  return db
    .selectFrom('attachment as a')
    .innerJoin('app_user as u', 'u.id', 'a.uploaded_by')
    .select([
      'a.id',
      'a.owner_id',
      'a.file_name',
      'a.mime',
      'a.size',
      'a.created_at',
      'u.real_name as uploaded_by_name',
    ])
    .where('a.owner_type', '=', ownerType)
    .where('a.owner_id', 'in', ownerIds)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute();
}

export async function countAttachments(db: Db, ownerType: string, ownerId: string): Promise<number> {
  const r = await db
    .selectFrom('attachment')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('owner_type', '=', ownerType)
    .where('owner_id', '=', ownerId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
