import type { AppContext } from '../../../app-context';
import { dataFreshnessOf } from '../../exchange-ingest';
import { departmentContacts, type Contact } from '../../org';
import type { PackageRow } from './ckan-repo';

/** What a package's description needs beyond its row: its provider's contact and its data's last load. */
export interface PackageFacts {
  row: PackageRow;
  dataUpdatedAt: Date | null;
  contact: Contact | null;
}

/** The facts of a page of packages, in the rows' order: one query for the contacts, one for the loads. */
export async function packageFacts(ctx: AppContext, rows: PackageRow[]): Promise<PackageFacts[]> {
  const [contacts, loads] = await Promise.all([
    departmentContacts(ctx, [...new Set(rows.map((r) => r.department_id))]),
    dataFreshnessOf(
      ctx,
      rows.map((r) => r.entry_id),
    ),
  ]);
  return rows.map((row) => {
    const load = loads.get(row.entry_id);
    return { row, dataUpdatedAt: load ? new Date(load.at) : null, contact: contacts.get(row.department_id) ?? null };
  });
}
