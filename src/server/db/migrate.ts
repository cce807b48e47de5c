import { Migrator, type Migration, type MigrationProvider, type Kysely } from 'kysely';
import * as m0001 from './migrations/0001_foundation';
import * as m0002 from './migrations/0002_regions';
import * as m0003 from './migrations/0003_catalog';
import * as m0004 from './migrations/0004_catalog_search';
import * as m0005 from './migrations/0005_jobs';
import * as m0006 from './migrations/0006_sharing';
import * as m0007 from './migrations/0007_exchange_sources';
import * as m0008 from './migrations/0008_exchange_center';
import * as m0009 from './migrations/0009_exchange_files';
import * as m0010 from './migrations/0010_exchange_quality';
import * as m0011 from './migrations/0011_exchange_masking';
import * as m0012 from './migrations/0012_exchange_push';
import * as m0013 from './migrations/0013_audit_unlocked';
import * as m0014 from './migrations/0014_catalog_imports';
import * as m0015 from './migrations/0015_audit_pipelined';
import * as m0016 from './migrations/0016_grant_terms';
import * as m0017 from './migrations/0017_audit_targets';
import * as m0018 from './migrations/0018_open_portal';
import * as m0019 from './migrations/0019_search_words';
import * as m0020 from './migrations/0020_public_accounts';
import * as m0021 from './migrations/0021_open_api_keys';
import * as m0022 from './migrations/0022_open_feedback';
import * as m0023 from './migrations/0023_open_applications';
import * as m0024 from './migrations/0024_open_favourites';
import * as m0025 from './migrations/0025_open_attachments';
import * as m0026 from './migrations/0026_search_facet_key';
import * as m0027 from './migrations/0027_search_generation';
import * as m0028 from './migrations/0028_open_package_id';
import * as m0029 from './migrations/0029_gateway';
import * as m0030 from './migrations/0030_gateway_monitoring';
import * as m0031 from './migrations/0031_gateway_change_review';
import * as m0032 from './migrations/0032_security_register';
import * as m0033 from './migrations/0033_instance_keys';
import * as m0034 from './migrations/0034_audit_partitions';
import * as m0035 from './migrations/0035_download_marks';
import * as m0036 from './migrations/0036_data_keys';
import * as m0037 from './migrations/0037_supervision';

/** Migrations are listed here in order (a static list works the same under tsx, bundlers and tests). */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_regions': m0002,
  '0003_catalog': m0003,
  '0004_catalog_search': m0004,
  '0005_jobs': m0005,
  '0006_sharing': m0006,
  '0007_exchange_sources': m0007,
  '0008_exchange_center': m0008,
  '0009_exchange_files': m0009,
  '0010_exchange_quality': m0010,
  '0011_exchange_masking': m0011,
  '0012_exchange_push': m0012,
  '0013_audit_unlocked': m0013,
  '0014_catalog_imports': m0014,
  '0015_audit_pipelined': m0015,
  '0016_grant_terms': m0016,
  '0017_audit_targets': m0017,
  '0018_open_portal': m0018,
  '0019_search_words': m0019,
  '0020_public_accounts': m0020,
  '0021_open_api_keys': m0021,
  '0022_open_feedback': m0022,
  '0023_open_applications': m0023,
  '0024_open_favourites': m0024,
  '0025_open_attachments': m0025,
  '0026_search_facet_key': m0026,
  '0027_search_generation': m0027,
  '0028_open_package_id': m0028,
  '0029_gateway': m0029,
  '0030_gateway_monitoring': m0030,
  '0031_gateway_change_review': m0031,
  '0032_security_register': m0032,
  '0033_instance_keys': m0033,
  '0034_audit_partitions': m0034,
  '0035_download_marks': m0035,
  '0036_data_keys': m0036,
  '0037_supervision': m0037,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'schema_migration',
    migrationLockTableName: 'schema_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
