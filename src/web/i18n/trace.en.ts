import type traceZh from './trace.zh-CN';

/** English text of download tracing; the keys are those of trace.zh-CN.ts. */
const traceEn: typeof traceZh = {
  nav: 'Download tracing',
  title: 'Download tracing',
  hint: 'Every file a department exports under a sharing grant, or a signed-in user downloads from the open portal, carries an invisible fingerprint recorded with the download. Upload a leaked CSV, JSON Lines or Excel file (or a fragment of about 200 rows or more, in any order) to find the download it came from: grant, department, user and time. Tracing is audited.',
  drop: 'Drop the file here, or click to choose',
  limit: 'CSV, JSON Lines or Excel (.xlsx), at most {mb} MB',
  start: 'Trace',
  verdict: {
    matched: 'Traced to one download',
    ambiguous: 'More than one download fits: a larger part of the file is needed',
    no_match: 'No recorded download matches: the file was not marked by the platform, or its fingerprint was destroyed',
    too_few_rows: 'Too few rows to tell (about 200 or more are needed)',
  },
  summary: '{file}: {format}, {voting} rows carry a bit, {bits} of the 64 bits of the mark decided',
  embedded: 'Marks named in the file’s properties: {marks}',
  mark: 'Mark',
  channel: 'Way out and resource',
  channels: { grant: 'Export under a grant', open: 'Open portal download' },
  format: 'Format',
  grant: 'Grant',
  department: 'Department',
  user: 'User',
  ip: 'IP address',
  at: 'Downloaded',
  rowsVotes: 'Rows sent / agreeing',
  cutShort: ' (cut short)',
  votesOf: '{agreeing} of {voting} agree',
  inProperties: 'named in the file’s properties',
};

export default traceEn;
