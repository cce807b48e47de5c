import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app-context';
import type { Actor } from '../../platform/context';
import { badRequest } from '../../platform/errors';
import { attachmentDisposition } from '../../platform/http/file-names';
import { IdParams } from '../../platform/http/schemas';
import { MAX_ATTACHMENT_MB, openAttachment, uploadAttachment } from './attachments-service';
import {
  Action,
  ActionInput,
  AttachmentOut,
  CompleteInput,
  RecordDetail,
  RecordInput,
  RecordList,
  RecordQuery,
  RecordUpdate,
  RegisterStatus,
} from './register-schemas';
import * as register from './register-service';

const tags = ['security'];
/** The guard has already required a session on every route here. */
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const recordTarget = { targetType: 'security_record', targetParam: 'id' } as const;

/** The security operations register, under /api/security: platform and security administrators. */
export function registerRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(multipart, {
      limits: { fileSize: MAX_ATTACHMENT_MB * 1024 * 1024 + 1, files: 1, fields: 0, parts: 1 },
      throwFileSizeLimit: false,
    });

    app.get(
      '/register/status',
      {
        config: { access: 'security.register.read', audit: false },
        schema: {
          tags,
          summary: "Art 25's yearly assessment and drill, and open follow-up actions / 安全工作提醒",
          response: { 200: RegisterStatus },
        },
      },
      async () => register.registerStatus(ctx),
    );

    app.get(
      '/register',
      {
        config: { access: 'security.register.read', audit: { category: 'query', action: 'security.register.list' } },
        schema: {
          tags,
          summary: 'Search the security operations register / 查询安全工作台账',
          querystring: RecordQuery,
          response: { 200: RecordList },
        },
      },
      async (req) => register.listRecords(ctx, req.query),
    );

    app.post(
      '/register',
      {
        config: {
          access: 'security.register.manage',
          audit: { category: 'maintain', action: 'security.register.create', targetType: 'security_record' },
        },
        schema: {
          tags,
          summary: 'Register an assessment, drill, review or inspection / 登记安全工作',
          body: RecordInput,
          response: { 201: RecordDetail },
        },
      },
      async (req, reply) => {
        const r = await register.createRecord(ctx, actorOf(req), req.body);
        req.auditNote.targetId = r.id;
        req.auditNote.targetName = r.title;
        req.auditNote.detail = { kind: r.kind, heldOn: r.heldOn, actions: r.actions.length };
        return reply.status(201).send(r);
      },
    );

    app.get(
      '/register/:id',
      {
        config: {
          access: 'security.register.read',
          audit: { category: 'query', action: 'security.register.read', ...recordTarget },
        },
        schema: {
          tags,
          summary: 'One register record / 安全工作记录',
          params: IdParams,
          response: { 200: RecordDetail },
        },
      },
      async (req) => register.getRecord(ctx, req.params.id),
    );

    app.put(
      '/register/:id',
      {
        config: {
          access: 'security.register.manage',
          audit: { category: 'maintain', action: 'security.register.update', ...recordTarget },
        },
        schema: {
          tags,
          summary: 'Correct a record or add files to it / 修改安全工作记录',
          params: IdParams,
          body: RecordUpdate,
          response: { 200: RecordDetail },
        },
      },
      async (req) => {
        const r = await register.updateRecord(ctx, actorOf(req), req.params.id, req.body);
        req.auditNote.detail = { kind: r.kind, heldOn: r.heldOn, attachments: r.attachments.length };
        return r;
      },
    );

    app.post(
      '/register/:id/actions',
      {
        config: {
          access: 'security.register.manage',
          audit: { category: 'maintain', action: 'security.action.add', ...recordTarget },
        },
        schema: {
          tags,
          summary: 'Add a follow-up action with owner and deadline / 新增整改措施',
          params: IdParams,
          body: ActionInput,
          response: { 201: Action },
        },
      },
      async (req, reply) => {
        const a = await register.addAction(ctx, req.params.id, req.body);
        req.auditNote.detail = { action: a.id, owner: a.owner, dueOn: a.dueOn };
        return reply.status(201).send(a);
      },
    );

    app.post(
      '/register/actions/:id/complete',
      {
        config: {
          access: 'security.register.manage',
          audit: {
            category: 'maintain',
            action: 'security.action.complete',
            targetType: 'security_action',
            targetParam: 'id',
          },
        },
        schema: {
          tags,
          summary: 'Close a follow-up action with what was done / 完成整改措施',
          params: IdParams,
          body: CompleteInput,
          response: { 200: Action },
        },
      },
      async (req) => {
        const a = await register.completeAction(ctx, actorOf(req), req.params.id, req.body.note);
        req.auditNote.detail = { record: a.recordId, note: a.doneNote };
        return a;
      },
    );

    app.post(
      '/attachments',
      {
        config: {
          access: 'security.register.manage',
          audit: { category: 'maintain', action: 'security.attachment.upload', targetType: 'security_attachment' },
          upload: { maxBytes: MAX_ATTACHMENT_MB * 1024 * 1024, code: 'SECURITY_ATTACHMENT_TOO_LARGE' },
        },
        schema: {
          tags,
          summary: 'Upload a report, minutes or letter for a record / 上传安全工作附件',
          description: `multipart/form-data with one "file": PDF, OFD, DOCX, XLSX, ZIP, PNG or JPEG (checked by content), at most ${MAX_ATTACHMENT_MB} MB. Name its id in attachmentIds when saving the record.`,
          consumes: ['multipart/form-data'],
          response: { 201: AttachmentOut },
        },
      },
      async (req, reply) => {
        const part = req.isMultipart() ? await req.file() : undefined;
        if (!part)
          throw badRequest(
            'SECURITY_ATTACHMENT_REQUIRED',
            'Upload the file as multipart/form-data',
            '请选择要上传的附件',
          );
        try {
          const file = part.file.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>;
          const a = await uploadAttachment(ctx, actorOf(req), { file, fileName: part.filename });
          req.auditNote.targetId = a.id;
          req.auditNote.targetName = a.fileName;
          return reply.status(201).send(a);
        } catch (e) {
          // Read and drop the refused rest, or the client would hang mid-send.
          part.file.resume();
          throw e;
        }
      },
    );

    app.get(
      '/attachments/:id',
      {
        config: {
          access: 'security.register.read',
          audit: {
            category: 'download',
            action: 'security.attachment.download',
            targetType: 'security_attachment',
            targetParam: 'id',
          },
        },
        schema: { tags, summary: 'Download a register attachment / 下载安全工作附件', params: IdParams },
      },
      async (req, reply) => {
        const { attachment, content } = await openAttachment(ctx, actorOf(req), req.params.id);
        req.auditNote.targetName = attachment.fileName;
        return reply
          .header('content-type', attachment.mime)
          .header('content-disposition', attachmentDisposition(attachment.fileName))
          .send(content);
      },
    );
  };
}
