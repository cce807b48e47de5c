import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { testApp, type TestApp } from '../helpers/app';
import { runGovshare } from '../helpers/cli';
import {
  catalogDepartment,
  expectStatus,
  platformAdmin,
  session,
  type CatalogDepartment,
  type Session,
} from '../catalog/factory';
import { runPull } from '../../src/server/modules/exchange-ingest/pull-service';
import { openExport, type ExportFormat } from '../../src/server/modules/exchange-delivery';
import { loadExcel } from '../../src/server/platform/excel';
import { MARK_SHEET } from '../../src/server/platform/fingerprint/xlsx-marks';
import { TRACE_COMMANDS } from '../../src/cli/trace-commands';
import { boundEntry, corpSource, grantItems, type CorpSource } from '../exchange/pull-fixtures';
import { download as fileDownload, fileEntry, fileGrant, pdf, sha256, upload } from '../exchange/files-fixtures';
import { PDFArray, PDFDocument, PDFRawStream, StandardFonts } from 'pdf-lib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { inflateSync } from 'node:zlib';

/** Traceable downloads (Art 18; issue #15 point 5): every marked file names the download it came from. */
let t: TestApp;
let src: CorpSource;
let b: Awaited<ReturnType<typeof boundEntry>>;
let consumer: CatalogDepartment;
let grantNo: string;
let security: Session;
let citizen: Session;
let citizen2: Session;
const ROWS = 300;
const FIELDS = ['corp_id', 'uscc', 'corp_name', 'reg_date', 'active', 'capital'];
const CLEAR = { stateSecret: 'clear', commercialSecret: 'clear', personalPrivacy: 'clear', publicSafety: 'clear' };

beforeAll(async () => {
  t = await testApp();
  src = await corpSource(ROWS);
  b = await boundEntry(t, src, { openType: 'unconditional' });
  await runPull(t.ctx, b.binding.id);
  consumer = await catalogDepartment(t);
  grantNo = (await grantItems(t, b.entry, consumer, 'table', FIELDS)).no;
  security = await session(t, ['security_admin'], { departmentId: null });
  citizen = await session(t, ['public_user'], { departmentId: null });
  citizen2 = await session(t, ['public_user'], { departmentId: null });
  // Open it to the public: the personal item gets the open channel's masking, then both reviews pass.
  const send = (url: string, s: Session, payload: unknown, method: 'PUT' | 'POST' = 'POST') =>
    t.inject({ method, url, headers: s.headers, payload: payload as Record<string, unknown> });
  expectStatus(
    await send(
      `/api/exchange/entries/${b.entry.id}/masking`,
      b.provider.specialist,
      [{ field: 'uscc', channel: 'open', rule: 'keep:2,2' }],
      'PUT',
    ),
    200,
  );
  const review = `/api/open/datasets/${b.entry.id}/reviews`;
  expectStatus(await send(review, b.provider.leader, { checklist: CLEAR, conclusion: 'pass' }), 200);
  expectStatus(await send(review, await platformAdmin(t), { checklist: CLEAR, conclusion: 'pass' }), 200);
});
afterAll(async () => {
  await src?.drop();
  await t?.close();
});

const FORMATS: ExportFormat[] = ['csv', 'jsonl', 'xlsx'];
const exportUrl = (format: ExportFormat, query = '') => `/api/v1/data/${b.entry.code}/export?format=${format}${query}`;
const portalUrl = (format: ExportFormat) => `/api/portal/datasets/${b.entry.code}/download?format=${format}`;

async function download(url: string, s?: Session): Promise<Buffer> {
  const res = expectStatus(await t.inject({ method: 'GET', url, headers: s?.headers ?? {} }), 200);
  return res.rawPayload;
}

/** The same export with no recipient named: what the file holds without a mark. */
async function unmarked(format: ExportFormat, fields?: string): Promise<Buffer> {
  const e = await openExport(t.ctx, { departmentId: consumer.id, roles: ['dept_user'] }, b.entry.code, {
    format,
    fields,
  });
  expect(e.mark).toBeNull();
  const parts: Buffer[] = [];
  for await (const c of e.body) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts);
}

interface TraceMatch {
  download: {
    mark: string;
    channel: string;
    format: string;
    grantNo: string | null;
    departmentName: string | null;
    username: string | null;
    rows: number | null;
  };
  agreeing: number;
  embedded: boolean;
}
interface Trace {
  format: string;
  voting: number;
  knownBits: number;
  embedded: string[];
  verdict: string;
  matches: TraceMatch[];
}

function traceRequest(file: Buffer, fileName: string, s: Session = security) {
  const boundary = `----govshare${Math.random().toString(16).slice(2)}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return t.inject({
    method: 'POST',
    url: '/api/security/trace',
    headers: { ...s.headers, 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
  });
}
const trace = async (file: Buffer, fileName = 'leak.csv') =>
  expectStatus(await traceRequest(file, fileName), 200).json<Trace>();

/** The one download a trace names. */
async function tracedTo(file: Buffer, fileName?: string) {
  const r = await trace(file, fileName);
  expect(r.verdict, JSON.stringify(r)).toBe('matched');
  expect(r.matches).toHaveLength(1);
  return { ...r.matches[0]!, report: r };
}

/** The mark the download's audit event recorded, newest first. */
async function auditedMark(action: string, userId: string): Promise<string> {
  const e = await t.ctx.db
    .selectFrom('audit_event')
    .select('detail')
    .where('action', '=', action)
    .where('user_id', '=', userId)
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow();
  return (e.detail as { mark: string }).mark;
}

const csvValues = (b: Buffer) => parse(b.toString('utf8'), { bom: true, relax_column_count: true }) as string[][];
const jsonlValues = (b: Buffer) =>
  b
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

/** Every sheet's cell values (the hidden mark sheet aside): what a reader of the workbook sees. */
async function xlsxValues(file: Buffer): Promise<Record<string, unknown[][]>> {
  const wb = await workbookOf(file);
  const out: Record<string, unknown[][]> = {};
  wb.eachSheet((ws) => {
    if (ws.name === MARK_SHEET) return;
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    out[ws.name] = rows;
  });
  return out;
}
async function workbookOf(file: Buffer): Promise<ExcelJS.Workbook> {
  const Excel = await loadExcel();
  const wb = new Excel.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  return wb;
}

async function valuesOf(format: ExportFormat, file: Buffer): Promise<unknown> {
  if (format === 'csv') return csvValues(file);
  if (format === 'jsonl') return jsonlValues(file);
  return xlsxValues(file);
}

/** A seeded shuffle: the fragment's rows in an order of their own. */
function shuffled<T>(items: T[], seed = 7): T[] {
  const a = [...items];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** `n` data lines of a CSV or JSON Lines file, shuffled, without its first (header) line. */
function textFragment(file: Buffer, n: number, seed?: number): Buffer {
  const lines = file
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n')
    .slice(1);
  return Buffer.from(`${shuffled(lines, seed).slice(0, n).join('\n')}\n`);
}

/**
 * The text a PDF's pages draw in a standard font (hex strings shown with Tj, as pdf-lib writes them):
 * what a reader sees on each page, without a PDF text extractor.
 */
async function pageTexts(file: Buffer): Promise<string[]> {
  const doc = await PDFDocument.load(file);
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
    return streams
      .map((st) => {
        const raw = st as PDFRawStream;
        const bytes = Buffer.from(raw.contents);
        const ops = raw.dict.toString().includes('FlateDecode') ? inflateSync(bytes) : bytes;
        return [...ops.toString('latin1').matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)]
          .map((m) => Buffer.from(m[1]!, 'hex').toString('latin1'))
          .join('\n');
      })
      .join('\n');
  });
}

describe('traceable downloads (Art 18)', () => {
  it('marks a consumer’s exports in every format without changing a value, and traces each to its grant, department and user', async () => {
    for (const format of FORMATS) {
      const marked = await download(exportUrl(format), consumer.user);
      const plain = await unmarked(format);
      expect(await valuesOf(format, marked), format).toEqual(await valuesOf(format, plain));
      if (format !== 'xlsx') expect(marked.equals(plain), format).toBe(false);

      const hit = await tracedTo(marked, `leak.${format}`);
      expect(hit.download).toMatchObject({
        mark: await auditedMark('exchange.records.export', consumer.user.id),
        channel: 'grant',
        format,
        grantNo,
        departmentName: consumer.name,
        username: consumer.user.username,
      });
      expect(hit.report.format).toBe(format);
      // Every data row voted and agreed (the CSV header and XLSX's 说明 sheet carry no bit and vote at random).
      expect(hit.agreeing).toBeGreaterThanOrEqual(ROWS);
      if (format === 'jsonl') expect(hit.agreeing).toBe(hit.report.voting);
      await expect.poll(async () => (await trace(marked, `leak.${format}`)).matches[0]?.download.rows).toBe(ROWS);
    }
  });

  it('marks the rows PostgreSQL’s COPY writes when nothing is masked', async () => {
    const fields = 'corp_id,corp_name,reg_date,active';
    const marked = await download(exportUrl('csv', `&fields=${fields}`), consumer.user);
    expect(csvValues(marked)).toEqual(csvValues(await unmarked('csv', fields)));
    expect((await tracedTo(marked)).download.username).toBe(consumer.user.username);
  });

  it('traces a shuffled fragment of 200 rows of CSV and of JSON Lines', async () => {
    for (const format of ['csv', 'jsonl'] as const) {
      const marked = await download(exportUrl(format), consumer.user);
      const mark = await auditedMark('exchange.records.export', consumer.user.id);
      const hit = await tracedTo(textFragment(marked, 200), `part.${format}`);
      expect(hit.download.mark).toBe(mark);
      expect(hit.report.voting).toBe(200);
      expect(hit.agreeing).toBe(200);
    }
  });

  it('traces 200 rows of a workbook copied, shuffled, into another workbook saved by a spreadsheet library', async () => {
    const marked = await download(exportUrl('xlsx'), consumer.user);
    const mark = await auditedMark('exchange.records.export', consumer.user.id);
    const whole = await tracedTo(marked, 'leak.xlsx');
    expect(whole.embedded).toBe(true);
    expect(whole.report.embedded).toEqual([mark]);

    const source = (await workbookOf(marked)).getWorksheet('数据')!;
    const rows: ExcelJS.Row[] = [];
    source.eachRow((r, n) => n > 2 && rows.push(r));
    const Excel = await loadExcel();
    const copy = new Excel.Workbook();
    const ws = copy.addWorksheet('Sheet1');
    shuffled(rows)
      .slice(0, 200)
      .forEach((r, i) =>
        r.eachCell((cell, col) => {
          const to = ws.getCell(i + 1, col);
          to.value = cell.value;
          to.style = cell.style;
        }),
      );
    const fragment = Buffer.from(await copy.xlsx.writeBuffer());
    const hit = await tracedTo(fragment, 'copied.xlsx');
    expect(hit.download.mark).toBe(mark);
    expect(hit.embedded).toBe(false);
    expect(hit.report).toMatchObject({ embedded: [], voting: 200 });

    // Saved again whole (as a spreadsheet program would), it still names its download.
    const again = await workbookOf(marked);
    expect((await tracedTo(Buffer.from(await again.xlsx.writeBuffer()), 'saved.xlsx')).download.mark).toBe(mark);
  });

  it('marks a signed-in public user’s portal downloads in every format and leaves anonymous ones as they were', async () => {
    for (const format of FORMATS) {
      const marked = await download(portalUrl(format), citizen);
      const anonymous = await download(portalUrl(format));
      expect(await valuesOf(format, marked), format).toEqual(await valuesOf(format, anonymous));
      const hit = await tracedTo(marked, `open.${format}`);
      expect(hit.download).toMatchObject({
        mark: await auditedMark('open.data.download', citizen.id),
        channel: 'open',
        format,
        grantNo: null,
        username: citizen.username,
      });
      if (format !== 'xlsx') expect((await trace(anonymous, `anon.${format}`)).verdict).toBe('no_match');
    }
  });

  it('tells apart two downloads of the same data by different users, from fragments', async () => {
    const first = await download(portalUrl('csv'), citizen);
    const second = await download(portalUrl('csv'), citizen2);
    expect(csvValues(first)).toEqual(csvValues(second));
    expect(first.equals(second)).toBe(false);
    expect((await tracedTo(textFragment(first, 200, 3))).download.username).toBe(citizen.username);
    expect((await tracedTo(textFragment(second, 200, 5))).download.username).toBe(citizen2.username);

    // Two users of one department under the same grant.
    const byUser = await download(exportUrl('jsonl'), consumer.user);
    const bySpecialist = await download(exportUrl('jsonl'), consumer.specialist);
    expect(jsonlValues(byUser)).toEqual(jsonlValues(bySpecialist));
    expect((await tracedTo(textFragment(byUser, 200))).download.username).toBe(consumer.user.username);
    expect((await tracedTo(textFragment(bySpecialist, 200))).download.username).toBe(consumer.specialist.username);
  });

  it('finds nothing in a file never downloaded, and says when a fragment is too small to tell', async () => {
    // The provider's own export is its own data: not marked, and it matches no download.
    const own = await download(exportUrl('csv'), b.provider.specialist);
    expect(await trace(own)).toMatchObject({ verdict: 'no_match', matches: [] });
    const made = Buffer.from(
      ['编号,名称', ...Array.from({ length: 300 }, (_, i) => `${i + 1},上饶某某单位${i + 1}`)].join('\n'),
    );
    expect(await trace(made)).toMatchObject({ verdict: 'no_match', matches: [] });

    const marked = await download(exportUrl('csv'), consumer.user);
    const few = await trace(textFragment(marked, 10));
    expect(few.verdict).toBe('too_few_rows');
    expect(few.knownBits).toBeLessThan(24);
  });

  it('lets only the security administrator trace, audited with the verdict', async () => {
    const marked = await download(exportUrl('csv'), consumer.user);
    const mark = await auditedMark('exchange.records.export', consumer.user.id);
    expect((await traceRequest(marked, 'x.csv', consumer.leader)).statusCode).toBe(403);
    expect((await traceRequest(marked, 'x.csv', await platformAdmin(t))).statusCode).toBe(403);
    await tracedTo(marked, '泄露文件.csv');
    const e = await t.ctx.db
      .selectFrom('audit_event')
      .select(['category', 'detail', 'outcome'])
      .where('action', '=', 'security.trace')
      .where('user_id', '=', security.id)
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(e).toMatchObject({
      category: 'analyze',
      outcome: 'success',
      detail: { fileName: '泄露文件.csv', verdict: 'matched', marks: [mark] },
    });
  });

  it('govshare trace FILE prints the download, grant, department, user and rows that voted', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const marked = await download(exportUrl('csv'), consumer.user);
    const mark = await auditedMark('exchange.records.export', consumer.user.id);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'govshare-trace-')), 'leak.csv');
    fs.writeFileSync(file, textFragment(marked, 200));
    const lines: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void lines.push(a.join(' '));
    let code: number;
    try {
      code = await TRACE_COMMANDS.trace!.run!(t.ctx, { positional: [file], flags: {} });
    } finally {
      console.log = log;
    }
    const out = lines.join('\n');
    expect(code).toBe(0);
    for (const s of [mark, grantNo, consumer.name, consumer.user.username, '200/200']) expect(out).toContain(s);
    fs.writeFileSync(file, 'a,b\n1,2\n');
    console.log = () => undefined;
    try {
      expect(await TRACE_COMMANDS.trace!.run!(t.ctx, { positional: [file], flags: {} })).toBe(1);
    } finally {
      console.log = log;
    }
    // The installed command: its help, and a missing FILE as a usage error.
    const bin = (args: string[]) =>
      runGovshare(args, { ...process.env, DATA_DIR: path.dirname(file), DEMO: '0', DATABASE_URL: '' });
    const help = await bin(['trace', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('govshare trace FILE');
    expect((await bin(['trace'])).code).toBe(2);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });

    const audited = await t.ctx.db
      .selectFrom('audit_event')
      .select('detail')
      .where('action', '=', 'security.trace')
      .where('username', '=', 'cli')
      .orderBy('seq', 'desc')
      .execute();
    expect(audited.map((a) => (a.detail as { verdict: string }).verdict)).toEqual(['too_few_rows', 'matched']);
  });

  it('marks a PDF file delivered under a grant visibly on each page and in its properties, and traces it', async () => {
    const { entry, provider } = await fileEntry(t);
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    for (const n of [1, 2])
      doc.addPage([595, 842]).drawText(`Shangrao enterprise register, page ${n}`, { x: 50, y: 780, font });
    const stored = Buffer.from(await doc.save());
    const fileId = expectStatus(await upload(t, provider.specialist, entry.id, stored, 'register.pdf'), 201).json<{
      id: string;
    }>().id;
    const { consumer: reader, grant } = await fileGrant(t, entry);

    const res = expectStatus(await fileDownload(t, reader.user, fileId), 200);
    const sent = res.rawPayload;
    expect(sent.equals(stored)).toBe(false);
    // The integrity headers describe what was sent.
    expect(res.headers['x-content-sha256']).toBe(sha256(sent));
    const pages = await pageTexts(sent);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('Shangrao enterprise register, page 2');
    const hit = await tracedTo(sent, 'register.pdf');
    expect(hit.embedded).toBe(true);
    expect(hit.download).toMatchObject({ format: 'pdf', grantNo: grant.no, username: reader.user.username });
    // Visible on every page: grant, user, time and mark.
    for (const page of pages)
      for (const s of [`grant ${grant.no}`, `user ${reader.user.username}`, `mark ${hit.download.mark}`, 'UTC+8'])
        expect(page).toContain(s);

    // The provider's own copy is the stored file; a file that is no PDF a reader can parse leaves as stored.
    expect(expectStatus(await fileDownload(t, provider.specialist, fileId), 200).rawPayload.equals(stored)).toBe(true);
    const fake = pdf('not a real one');
    const fakeId = expectStatus(await upload(t, provider.specialist, entry.id, fake, 'fake.pdf'), 201).json<{
      id: string;
    }>().id;
    expect(expectStatus(await fileDownload(t, reader.user, fakeId), 200).rawPayload.equals(fake)).toBe(true);
    expect((await trace(stored, 'clean.pdf')).verdict).toBe('no_match');
  });

  it('marks an OFD file delivered under a grant on each page and in its document information, and traces it', async () => {
    const { entry, provider } = await fileEntry(t);
    const ns = 'xmlns:ofd="http://www.ofdspec.org/2016"';
    const page = (n: number) =>
      `<?xml version="1.0" encoding="UTF-8"?><ofd:Page ${ns}><ofd:Content><ofd:Layer ID="${10 + n}"><ofd:TextObject ID="${20 + n}" Boundary="10 10 100 10" Font="3" Size="4"><ofd:TextCode X="0" Y="4">企业登记 第${n}页</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>`;
    const stored = Buffer.from(
      zipSync({
        'OFD.xml': strToU8(
          `<?xml version="1.0" encoding="UTF-8"?><ofd:OFD ${ns} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>a1</ofd:DocID><ofd:Title>企业登记</ofd:Title></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>`,
        ),
        'Doc_0/Document.xml': strToU8(
          `<?xml version="1.0" encoding="UTF-8"?><ofd:Document ${ns}><ofd:CommonData><ofd:MaxUnitID>30</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages></ofd:Document>`,
        ),
        'Doc_0/PublicRes.xml': strToU8(
          `<?xml version="1.0" encoding="UTF-8"?><ofd:Res ${ns} BaseLoc="Res"><ofd:Fonts><ofd:Font ID="3" FontName="SimSun"/></ofd:Fonts></ofd:Res>`,
        ),
        'Doc_0/Pages/Page_0/Content.xml': strToU8(page(1)),
        'Doc_0/Pages/Page_1/Content.xml': strToU8(page(2)),
      }),
    );
    const fileId = expectStatus(await upload(t, provider.specialist, entry.id, stored, 'register.ofd'), 201).json<{
      id: string;
    }>().id;
    const { consumer: reader, grant } = await fileGrant(t, entry);

    const sent = expectStatus(await fileDownload(t, reader.user, fileId), 200).rawPayload;
    expect(sent.equals(stored)).toBe(false);
    const parts = unzipSync(sent);
    const hit = await tracedTo(sent, 'register.ofd');
    expect(hit.embedded).toBe(true);
    expect(hit.download).toMatchObject({ format: 'ofd', grantNo: grant.no, username: reader.user.username });
    expect(strFromU8(parts['OFD.xml']!)).toContain(`<ofd:CustomData Name="GovshareDownload">${hit.download.mark}<`);
    // Each page keeps its content and gains a layer naming the grant, the user and the mark, in a font of the document.
    for (const n of [0, 1]) {
      const content = strFromU8(parts[`Doc_0/Pages/Page_${n}/Content.xml`]!);
      expect(content).toContain(`企业登记 第${n + 1}页`);
      for (const s of [`grant ${grant.no}`, `user ${reader.user.username}`, `mark ${hit.download.mark}`])
        expect(content).toContain(s);
    }
    expect(strFromU8(parts['Doc_0/PublicRes.xml']!)).toMatch(/<ofd:Font ID="31" FontName="SimSun"/);
    expect(strFromU8(parts['Doc_0/Document.xml']!)).toContain('<ofd:MaxUnitID>35</ofd:MaxUnitID>');

    // The provider's own copy is the stored file, which names no download.
    expect(expectStatus(await fileDownload(t, provider.specialist, fileId), 200).rawPayload.equals(stored)).toBe(true);
    expect((await trace(stored, 'clean.ofd')).verdict).toBe('no_match');
  });
});
