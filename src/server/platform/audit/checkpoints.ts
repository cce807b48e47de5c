import type { AppContext } from '../../app-context';
import type { Row } from '../../db/types';
import { verifyInstanceSignature } from '../crypto/instance-keys';
import { canonicalJson } from '../crypto/sm3';
import { checkpoints } from './retention-repo';

/** The retention job's signed records of what it dropped (retention.ts), as verification reads them. */

/** A run of consecutive seq numbers dropped together, with the hash of its last event. */
export interface SeqRun {
  first: string;
  last: string;
  hash: string;
}

export type Checkpoint = Row<'audit_checkpoint'>;

/** What the instance signs for a checkpoint: every field that says what was dropped, canonical JSON. */
export const checkpointSigningText = (c: Omit<Checkpoint, 'id' | 'kid' | 'signature'>) =>
  'govshare-audit-checkpoint/1\n' +
  canonicalJson({
    partition: c.partition_name,
    from: c.from_at,
    to: c.to_at,
    count: String(c.event_count),
    firstSeq: c.first_seq,
    lastSeq: c.last_seq,
    runs: c.runs,
    archiveFile: c.archive_file,
    archiveSm3: c.archive_sm3,
    createdAt: c.created_at,
  });

/**
 * The checkpoints as verification uses them: each one's signature checked, and its runs by first
 * seq, so that a gap in the remaining chain is matched with what was dropped there.
 */
export async function droppedRuns(ctx: AppContext) {
  const byFirst = new Map<string, SeqRun>();
  const forged: string[] = [];
  for (const c of await checkpoints(ctx.db)) {
    const signed = await verifyInstanceSignature(ctx, checkpointSigningText(c), c);
    if (!signed) forged.push(c.partition_name);
    else for (const r of c.runs) byFirst.set(r.first, r);
  }
  return { byFirst, forged };
}
