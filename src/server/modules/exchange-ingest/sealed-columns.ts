import type { SealedColumn } from '../../platform/crypto/sealed-columns';
import { secretContext } from './sources-service';

/** The source databases' passwords (R-44). */
export const ingestSealedColumns: SealedColumn[] = [
  { table: 'exchange_source', key: ['id'], column: 'password_secret', context: (k) => secretContext(k.id!) },
];
