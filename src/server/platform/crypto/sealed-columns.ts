import { mfaSealedColumn } from '../auth/mfa-secret';
import { instanceKeySealedColumn } from './instance-keys';

/**
 * Where sealed values are stored: each module declares its own columns (ModuleDefinition.sealedColumns),
 * the platform adds its own (the instance key), and a data-key rotation re-encrypts them all
 * (key-rotation.ts) without knowing any module.
 */
export interface SealedColumn {
  table: string;
  /** The columns that identify a row (its primary key). */
  key: string[];
  /** The column holding the sealed text, or the JSON (jsonb) column holding it under `jsonKey`. */
  column: string;
  jsonKey?: string;
  /** The context the value is sealed with, from the row's key values (as text). */
  context: (key: Record<string, string>) => string;
  /** Values stored in clear before the column was sealed are sealed by the next rotation. */
  plainLegacy?: boolean;
}

const registry = new Map<string, SealedColumn>();

export const sealedColumnName = (c: Pick<SealedColumn, 'table' | 'column' | 'jsonKey'>) =>
  `${c.table}.${c.column}${c.jsonKey ? `->${c.jsonKey}` : ''}`;

/** Registers columns (again is harmless: every process registering its modules does it once per app). */
export function registerSealedColumns(columns: SealedColumn[]): void {
  for (const c of columns) registry.set(sealedColumnName(c), c);
}

export const sealedColumns = (): SealedColumn[] => [...registry.values()];

// The platform's own, declared where they are sealed.
registerSealedColumns([instanceKeySealedColumn, mfaSealedColumn]);
