/** Sharing (资源共享) wire shapes, picked from the generated OpenAPI types (openapi.ts). */
import { everyOf, type Body, type Item, type QueryOf, type Res } from './openapi';

export type RequestSummary = Item<Res<'/api/sharing/requests'>['items']>;
export type RequestKind = RequestSummary['kind'];
export type RequestStatus = RequestSummary['status'];
export type RequestBox = NonNullable<QueryOf<'/api/sharing/requests'>['box']>;
export const REQUEST_STATUSES = everyOf<RequestStatus>()([
  'prereview',
  'returned',
  'provider_review',
  'approved',
  'rejected',
  'withdrawn',
]);

export type ShareRequest = Res<'/api/sharing/requests/{id}'>;
/** `decision: 'withdrawn'` closes the open step when the applicant withdraws. */
export type Step = Item<ShareRequest['steps']>;
export type StepKind = Step['kind'];
export type StepDecision = NonNullable<Step['decision']>;
export type RequestActions = ShareRequest['actions'];
export type Letter = Res<'/api/sharing/letters', 'post'>;

export type Grant = Item<Res<'/api/sharing/grants'>['items']>;
export type GrantStatus = Grant['status'];
export type GrantItem = Item<Grant['items']>;
export type GrantSide = NonNullable<QueryOf<'/api/sharing/grants'>['side']>;
export const GRANT_STATUSES = everyOf<GrantStatus>()(['active', 'revoked', 'expired']);
export type GrantDetail = Res<'/api/sharing/grants/{id}'>;
export type GrantEvent = Item<GrantDetail['events']>;
export type GrantEventKind = GrantEvent['kind'];

/** Share method = delivery channel: 库表 / 文件 / 服务接口 / 邮件 / 介质. */
export type Method = Grant['method'];
export const METHODS = everyOf<Method>()(['table', 'file', 'api', 'email', 'media']);

/** `shareCondition`: 共享条件, or for 不予共享 the basis. */
export type ApplyInfo = Res<'/api/sharing/entries/{id}/apply-info'>;
export type ApplyItem = Item<ApplyInfo['items']>;
export type SpecialistContact = Item<ApplyInfo['specialists']>;

export type RequestInput = Body<'/api/sharing/requests', 'post'>;
/** The fields an applicant fills, on first submission and on resubmission alike. */
export type RequestFieldsInput = Body<'/api/sharing/requests/{id}', 'put'>;
export type PrereviewInput = Body<'/api/sharing/requests/{id}/prereview', 'post'>;
export type DecisionInput = Body<'/api/sharing/requests/{id}/decision', 'post'>;
