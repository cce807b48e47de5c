import type { Db } from '../../app-context';

/**
 * The catalog's facts for supervision (Chapter 6): responsibility-list items and objections with
 * their due dates. Every query takes the window [from, until): `until` is the period's end, or now
 * for a period still running.
 */

/**
 * Responsibility items that fell due in the window, cancelled ones left out (nothing is owed),
 * with how many data items the linked entry's current version has.
 */
export function responsibilityItemsDue(db: Db, from: Date, until: Date) {
  return db
    .selectFrom('responsibility_item as i')
    .leftJoin('catalog_entry as e', 'e.id', 'i.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select([
      'i.id',
      'i.provider_department_id',
      'i.kind',
      'i.description',
      'i.due_at',
      'i.fulfilled_at',
      'i.entry_id',
      'e.code as entry_code',
      'v.share_methods',
    ])
    .select((eb) =>
      eb
        .selectFrom('catalog_data_item as d')
        .select((c) => c.fn.countAll<string>().as('n'))
        .whereRef('d.version_id', '=', 'e.current_version_id')
        .as('item_count'),
    )
    .where('i.status', '<>', 'cancelled')
    .where('i.due_at', '>=', from)
    .where('i.due_at', '<', until)
    .orderBy('i.due_at')
    .orderBy('i.id')
    .execute();
}

/** Items past their due date and not fulfilled by `until` (still open then), whenever they fell due. */
export function responsibilityItemsOverdue(db: Db, until: Date) {
  return db
    .selectFrom('responsibility_item as i')
    .select(['i.id', 'i.provider_department_id', 'i.kind', 'i.description', 'i.due_at', 'i.fulfilled_at'])
    .where('i.status', '<>', 'cancelled')
    .where('i.due_at', '<', until)
    .where((eb) => eb.or([eb('i.fulfilled_at', 'is', null), eb('i.fulfilled_at', '>', until)]))
    .orderBy('i.due_at')
    .orderBy('i.id')
    .execute();
}

function objections(db: Db) {
  return db
    .selectFrom('catalog_objection as o')
    .innerJoin('catalog_entry as e', 'e.id', 'o.entry_id')
    .leftJoin('catalog_entry_version as v', 'v.id', 'e.current_version_id')
    .select([
      'o.id',
      'o.kind',
      'o.due_at',
      'o.answered_at',
      'e.provider_department_id',
      'e.code as entry_code',
      'v.name as entry_name',
    ]);
}

/** Objections against every provider's entries that fell due in the window. */
export function objectionsDue(db: Db, from: Date, until: Date) {
  return objections(db)
    .where('o.due_at', '>=', from)
    .where('o.due_at', '<', until)
    .orderBy('o.due_at')
    .orderBy('o.id')
    .execute();
}

/**
 * Objections late in the window: past due before `until` and not answered by their due date, whose
 * lateness reaches into the window (due in it, or still unanswered when it began).
 */
export function objectionsLate(db: Db, from: Date, until: Date) {
  return objections(db)
    .where('o.due_at', '<', until)
    .where((eb) => eb.or([eb('o.answered_at', 'is', null), eb('o.answered_at', '>', eb.ref('o.due_at'))]))
    .where((eb) =>
      eb.or([eb('o.due_at', '>=', from), eb('o.answered_at', 'is', null), eb('o.answered_at', '>=', from)]),
    )
    .orderBy('o.due_at')
    .orderBy('o.id')
    .execute();
}
