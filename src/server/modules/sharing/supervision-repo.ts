import type { Db } from '../../app-context';

/**
 * Sharing's facts for supervision (Chapter 6): the providers' review steps with their due dates, in
 * the window [from, until) (`until` is the period's end, or now for a period still running). Only
 * provider_decision steps: the admin's pre-review is the platform's own work, not a department's.
 */
function providerSteps(db: Db) {
  return db
    .selectFrom('share_review_step as s')
    .innerJoin('share_request as r', 'r.id', 's.request_id')
    .select([
      's.id',
      's.request_id',
      's.round',
      's.due_at',
      's.decided_at',
      's.decision',
      'r.no',
      'r.entry_name',
      'r.provider_department_id',
    ])
    .where('s.kind', '=', 'provider_decision');
}

/**
 * Provider steps that fell due in the window; a step the applicant withdrew before it fell due is
 * left out (nothing was owed any more).
 */
export function providerStepsDue(db: Db, from: Date, until: Date) {
  return providerSteps(db)
    .where('s.due_at', '>=', from)
    .where('s.due_at', '<', until)
    .where((eb) =>
      eb.or([
        eb('s.decision', 'is', null),
        eb('s.decision', '<>', 'withdrawn'),
        eb('s.decided_at', '>', eb.ref('s.due_at')),
      ]),
    )
    .orderBy('s.due_at')
    .orderBy('s.id')
    .execute();
}

/**
 * Provider steps late in the window: past due before `until`, not decided by their due date, and
 * late during the window (due in it, or still undecided when it began).
 */
export function providerStepsLate(db: Db, from: Date, until: Date) {
  return providerSteps(db)
    .where('s.due_at', '<', until)
    .where((eb) => eb.or([eb('s.decided_at', 'is', null), eb('s.decided_at', '>', eb.ref('s.due_at'))]))
    .where((eb) => eb.or([eb('s.due_at', '>=', from), eb('s.decided_at', 'is', null), eb('s.decided_at', '>=', from)]))
    .orderBy('s.due_at')
    .orderBy('s.id')
    .execute();
}
