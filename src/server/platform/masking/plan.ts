/**
 * A masking plan for rows: built once per export, grant or query, then applied to every row.
 * Masking works on the text form of a value: numbers and bigints (a card number stored as numeric)
 * become their decimal string, dates their ISO 8601 string, objects their JSON, and the masked
 * result is a string, so a writer must emit masked columns as text. Rule `none` columns are left
 * out of the plan and keep their type. null and undefined stay as they are.
 */
import { compileRule, type Masker, type MaskRule } from './rules';

export interface PlanColumn {
  field: string;
  rule: MaskRule;
}

export type RowMasker = <R extends Record<string, unknown>>(row: R) => R;

/** The text a value is masked as (see above); exported for paths that mask arrays, not rows. */
export function maskText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  // Binary has no meaningful text form; a masked column must not leak it either.
  if (v instanceof Uint8Array) return '*'.repeat(Math.min(v.length, 8));
  return JSON.stringify(v) ?? '';
}

/**
 * Compile the plan. The returned function masks the row in place and returns it, allocating only the
 * masked strings, because streaming exports push millions of rows through it. Fields absent from the
 * row are skipped, so one plan serves queries that select a subset of the columns.
 */
export function compilePlan(columns: readonly PlanColumn[]): RowMasker {
  const fields: string[] = [];
  const maskers: Masker[] = [];
  for (const c of columns) {
    if (c.rule.code === 'none') continue;
    const at = fields.indexOf(c.field);
    // One field, one rule: a later entry for the same field replaces the earlier one.
    if (at >= 0) maskers[at] = compileRule(c.rule);
    else {
      fields.push(c.field);
      maskers.push(compileRule(c.rule));
    }
  }
  const n = fields.length;
  return <R extends Record<string, unknown>>(row: R): R => {
    const r = row as Record<string, unknown>;
    for (let i = 0; i < n; i++) {
      const f = fields[i]!;
      const v = r[f];
      if (v === null || v === undefined) continue;
      r[f] = maskers[i]!(typeof v === 'string' ? v : maskText(v));
    }
    return row;
  };
}
