import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app-context';
import { attachmentRoutes } from '../../platform/attachments';
import type { Actor } from '../../platform/context';
import { IdParams, Obj } from '../../platform/http/schemas';
import {
  AttendanceInput,
  RecordList,
  RecordQuery,
  SessionDetail,
  SessionInput,
  SessionList,
  SessionQuery,
  SessionUpdate,
  SpecialistRecord,
  UncoveredList,
} from './training-schemas';
import * as service from './training-service';

const tags = ['org'];
const actorOf = (req: { actor: Actor | null }) => req.actor as Actor;
const sessionTarget = { targetType: 'training_session', targetParam: 'id' } as const;

/** 数据专员 training (Art 28) under /api/training: the platform keeps sessions, departments read their records. */
export function trainingRoutes(ctx: AppContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(
      attachmentRoutes(ctx, {
        tags,
        path: '/training/attachments',
        fullPath: '/api/training/attachments',
        uploadAccess: 'training.manage',
        readAccess: 'training.read',
        policy: service.TRAINING_MATERIALS,
        uploadAction: 'training.material.upload',
        downloadAction: 'training.material.download',
        what: 'training material / 上传培训材料',
        // Sessions and their materials are open to everyone who reads training.
        readers: () => ({ [service.SESSION_OWNER]: () => Promise.resolve(true) }),
      }),
    );

    app.get(
      '/training/sessions',
      {
        config: { access: 'training.read', audit: { category: 'query', action: 'training.session.list' } },
        schema: {
          tags,
          summary: 'Training sessions / 数据专员培训',
          querystring: SessionQuery,
          response: { 200: SessionList },
        },
      },
      async (req) => service.listSessions(ctx, req.query),
    );

    app.post(
      '/training/sessions',
      {
        config: {
          access: 'training.manage',
          audit: { category: 'maintain', action: 'training.session.create', targetType: 'training_session' },
        },
        schema: {
          tags,
          summary: 'Record a training session / 登记培训',
          body: SessionInput,
          response: { 201: SessionDetail },
        },
      },
      async (req, reply) => {
        const s = await service.createSession(ctx, actorOf(req), req.body);
        req.auditNote.targetId = s.id;
        req.auditNote.targetName = s.title;
        req.auditNote.detail = { heldOn: s.heldOn, attendees: s.attendees.length, materials: s.materials.length };
        return reply.status(201).send(s);
      },
    );

    app.get(
      '/training/sessions/:id',
      {
        config: {
          access: 'training.read',
          audit: { category: 'query', action: 'training.session.read', ...sessionTarget },
        },
        schema: {
          tags,
          summary: 'One training session / 培训详情',
          params: IdParams,
          response: { 200: SessionDetail },
        },
      },
      async (req) => service.getSession(ctx, req.params.id),
    );

    app.put(
      '/training/sessions/:id',
      {
        config: {
          access: 'training.manage',
          audit: { category: 'maintain', action: 'training.session.update', ...sessionTarget },
        },
        schema: {
          tags,
          summary: 'Correct a session or add materials / 修改培训',
          params: IdParams,
          body: SessionUpdate,
          response: { 200: SessionDetail },
        },
      },
      async (req) => service.updateSession(ctx, actorOf(req), req.params.id, req.body),
    );

    app.put(
      '/training/sessions/:id/attendance',
      {
        config: {
          access: 'training.manage',
          audit: { category: 'maintain', action: 'training.attendance.record', ...sessionTarget },
        },
        schema: {
          tags,
          summary: 'Who attended and whether they passed (replaces the list) / 登记参训人员',
          params: IdParams,
          body: AttendanceInput,
          response: { 200: SessionDetail },
        },
      },
      async (req) => {
        const s = await service.recordAttendance(ctx, req.params.id, req.body.attendees);
        req.auditNote.detail = { attendees: s.attendees.length };
        return s;
      },
    );

    app.get(
      '/training/records',
      {
        config: { access: 'training.read', audit: { category: 'query', action: 'training.record.list' } },
        schema: {
          tags,
          summary: "Specialists' training records (own department, or all) / 数据专员培训记录",
          querystring: RecordQuery,
          response: { 200: RecordList },
        },
      },
      async (req) => service.listRecords(ctx, actorOf(req), req.query),
    );

    app.get(
      '/training/specialists/:id/record',
      {
        config: {
          access: 'training.read',
          audit: { category: 'query', action: 'training.record.read', targetType: 'specialist', targetParam: 'id' },
        },
        schema: {
          tags,
          summary: "A specialist's training record / 数据专员培训档案",
          params: IdParams,
          querystring: Obj({ year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })) }),
          response: { 200: SpecialistRecord },
        },
      },
      async (req) => service.specialistRecord(ctx, actorOf(req), req.params.id, req.query.year),
    );

    app.get(
      '/training/departments-without-specialist',
      {
        config: { access: 'specialist.read', audit: false },
        schema: {
          tags,
          summary: 'Active departments with no data specialist in office today (Art 28) / 未明确数据专员的部门',
          response: { 200: UncoveredList },
        },
      },
      async () => service.departmentsWithoutSpecialist(ctx),
    );
  };
}
