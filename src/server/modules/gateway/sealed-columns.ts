import type { SealedColumn } from '../../platform/crypto/sealed-columns';
import { sealContext as systemContext } from './credentials';
import { sealContext as upstreamContext } from './upstream-secret';

/** The gateway's sealed secrets: app secrets, upstream credentials, and those of pending changes. */
export const gatewaySealedColumns: SealedColumn[] = [
  { table: 'gw_system', key: ['id'], column: 'secret', context: (k) => systemContext(k.id!) },
  { table: 'gw_system', key: ['id'], column: 'previous_secret', context: (k) => systemContext(k.id!) },
  { table: 'gw_upstream', key: ['entry_id'], column: 'auth_secret', context: (k) => upstreamContext(k.entry_id!) },
  {
    table: 'gw_upstream_revision',
    key: ['entry_id', 'revision'],
    column: 'proposed',
    jsonKey: 'auth_secret',
    context: (k) => upstreamContext(k.entry_id!),
  },
];
