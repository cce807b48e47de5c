import { Readable } from 'node:stream';
import type { AppContext } from '../../app-context';
import { AppError } from '../errors';
import { shanghaiDate } from '../calendar/dates';
import { signAsInstance } from '../crypto/instance-keys';
import { checkpointSigningText, type SeqRun } from './checkpoints';
import { storageFor } from '../storage/fs-storage';
import { archiveSigningText, writeArchive, type SealedEvent } from './archive';
import * as repo from './retention-repo';
import { getAuditHead, type SealedAuditRow } from './repo';
import { getRetentionMonths, recordSystemAudit, sealAuditLog, sealedEventOf, verifyAuditChain } from './service';

/**
 * Art 25 keeps the log at least six months; what is older goes by whole months. Before a month
 * goes, the chain is verified, the month is written to a signed archive in the file store, and a
 * checkpoint signed with the instance's SM2 key records which seq numbers went with their last hashes,
 * so `govshare audit verify` still proves that what remains continues from what was dropped.
 */

const PARTITION = /^audit_event_y(\d{4})m(\d{2})$/;
const monthIndex = (year: number, month: number) => year * 12 + (month - 1);
const shanghaiMonthStart = (year: number, month: number) =>
  new Date(`${year}-${String(month).padStart(2, '0')}-01T00:00:00+08:00`);

function monthOf(partition: string) {
  const m = PARTITION.exec(partition)!;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };
  return {
    index: monthIndex(year, month),
    from: shanghaiMonthStart(year, month),
    to: shanghaiMonthStart(next.year, next.month),
  };
}

/** The month's partitions from this month to three ahead, so that events never wait for one. */
export async function ensureAuditPartitions(ctx: AppContext): Promise<void> {
  const [year, month] = shanghaiDate(ctx.clock.now()).split('-').map(Number) as [number, number];
  for (let i = 0; i <= 3; i++) {
    const index = monthIndex(year, month) + i;
    const day = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
    await repo.ensurePartition(ctx.db, day);
  }
}

export interface DroppedMonth {
  partition: string;
  count: number;
  firstSeq: string | null;
  lastSeq: string | null;
  archiveFile: string;
}

/**
 * Drops every month older than the retention setting (never less than six months), oldest first.
 * Refuses when the chain does not verify: a broken log is evidence, kept whole for whoever investigates.
 */
export async function dropExpiredAuditMonths(ctx: AppContext): Promise<DroppedMonth[]> {
  const keep = await getRetentionMonths(ctx);
  const [year, month] = shanghaiDate(ctx.clock.now()).split('-').map(Number) as [number, number];
  const oldestKept = monthIndex(year, month) - keep;
  const expired = (await repo.monthlyPartitions(ctx.db)).filter((p) => monthOf(p).index < oldestKept);
  if (!expired.length) return [];
  const chain = await verifyAuditChain(ctx);
  if (!chain.ok) {
    throw new AppError(
      409,
      'AUDIT_CHAIN_BROKEN',
      `The audit chain does not verify (${chain.problems.length} problems): nothing is dropped`,
      `审计日志哈希链校验未通过（${chain.problems.length} 处问题），不清理任何日志`,
    );
  }
  const dropped: DroppedMonth[] = [];
  for (const partition of expired) dropped.push(await dropMonth(ctx, partition));
  return dropped;
}

async function dropMonth(ctx: AppContext, partition: string): Promise<DroppedMonth> {
  await sealAuditLog(ctx);
  const { from, to } = monthOf(partition);
  const runs: SeqRun[] = [];
  let count = 0;
  const events = (async function* (): AsyncGenerator<SealedEvent> {
    let after = '0';
    for (;;) {
      const rows = await repo.partitionRows(ctx.db, partition, after, 2000);
      for (const row of rows) {
        if (row.seq === null) throw new Error(`${partition} holds an unsealed event`);
        const last = runs[runs.length - 1];
        if (last && BigInt(row.seq) === BigInt(last.last) + 1n) Object.assign(last, { last: row.seq, hash: row.hash });
        else runs.push({ first: row.seq, last: row.seq, hash: row.hash });
        count++;
        yield sealedEventOf(row as SealedAuditRow);
      }
      if (rows.length < 2000) return;
      after = rows[rows.length - 1]!.seq!;
    }
  })();
  const archive = writeArchive({ createdAt: ctx.clock.now().toISOString(), scope: partition }, events, async (t) => {
    const head = await getAuditHead(ctx.db);
    const trailer = { ...t, head: { seq: String(head.seq), hash: head.hash } };
    const sig = await signAsInstance(ctx, archiveSigningText(trailer));
    return { ...trailer, kid: sig.kid, publicKey: sig.publicKey, signature: sig.signature };
  });
  const stored = await storageFor(ctx.config).put(
    Readable.from(
      (async function* () {
        for await (const text of archive) yield Buffer.from(text);
      })(),
    ),
    { maxBytes: Number.MAX_SAFE_INTEGER },
  );
  const unsigned = {
    partition_name: partition,
    from_at: from,
    to_at: to,
    event_count: String(count),
    first_seq: runs[0]?.first ?? null,
    last_seq: runs[runs.length - 1]?.last ?? null,
    runs,
    archive_file: stored.key,
    archive_sm3: stored.sm3,
    created_at: ctx.clock.now(),
  };
  const sig = await signAsInstance(ctx, checkpointSigningText(unsigned));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.insertCheckpoint(trx, { ...unsigned, kid: sig.kid, signature: sig.signature });
    await repo.dropPartition(trx, partition);
    await recordSystemAudit({ ...ctx, db: trx }, 'job-runner', {
      category: 'admin',
      action: 'audit.retention.drop',
      targetType: 'audit_partition',
      targetId: partition,
      targetName: partition,
      rowCount: count,
      detail: { firstSeq: unsigned.first_seq, lastSeq: unsigned.last_seq, runs: runs.length, archive: stored.key },
    });
  });
  return { partition, count, firstSeq: unsigned.first_seq, lastSeq: unsigned.last_seq, archiveFile: stored.key };
}
