import type { SealedColumn } from '../../platform/crypto/sealed-columns';
import { sealContext } from './accounts-service';

/** Public accounts' identity numbers (R-44). */
export const openSealedColumns: SealedColumn[] = [
  { table: 'public_account', key: ['user_id'], column: 'id_number_sealed', context: (k) => sealContext(k.user_id!) },
];
