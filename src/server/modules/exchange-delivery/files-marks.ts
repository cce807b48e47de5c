import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AppContext } from '../../app-context';
import { markDocumentDownload } from '../../platform/fingerprint';
import { getDepartment } from '../org';
import type { Grant } from '../sharing';
import type { ExportRecipient } from './records-export';

/** What a marked file's bytes are, for the integrity headers of the download. */
export interface SentFile {
  mark: string;
  size: number;
  sha256: string;
  sm3: string;
}

/** The fixed-layout formats a download's mark is stamped into. */
const DOCUMENTS: Record<string, 'pdf' | 'ofd'> = { 'application/pdf': 'pdf', 'application/ofd': 'ofd' };

/**
 * Art 18: a PDF or OFD leaving its provider under a grant carries its download's mark, visible at the
 * foot of each page and in its document information, so the file is itself a copy of record. Other
 * files (and one that cannot be read as its format) leave as stored; their download is in the audit log.
 */
export async function markedFile(
  ctx: AppContext,
  file: { entryId: string; mime: string },
  grant: Grant,
  to: ExportRecipient,
  content: Readable,
): Promise<{ content: Readable; sent: SentFile | null }> {
  const format = DOCUMENTS[file.mime];
  if (!format) return { content, sent: null };
  const parts: Buffer[] = [];
  for await (const chunk of content) parts.push(chunk as Buffer);
  const stored = Buffer.concat(parts);
  const department = await getDepartment(ctx, grant.consumerDepartmentId);
  const marked = await markDocumentDownload(
    ctx,
    stored,
    {
      channel: 'grant',
      format,
      resourceCode: grant.entryCode,
      entryId: file.entryId,
      grant: { id: grant.id, no: grant.no },
      department: { id: department.id, name: department.name },
      user: { id: to.userId, username: to.username, realName: to.realName },
      ip: to.ip,
    },
    { department: department.creditCode, grantNo: grant.no, username: to.username },
  );
  if (!marked) return { content: Readable.from([stored]), sent: null };
  const digest = (alg: string) => createHash(alg).update(marked.content).digest('hex');
  return {
    content: Readable.from([marked.content]),
    sent: { mark: marked.mark, size: marked.content.length, sha256: digest('sha256'), sm3: digest('sm3') },
  };
}
