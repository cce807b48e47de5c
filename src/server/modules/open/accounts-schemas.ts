import { Type, type Static } from '@sinclair/typebox';
import { enumOf, Nullable, Obj } from '../../platform/http/schemas';

const Kind = enumOf(['citizen', 'legal_person'] as const, 'citizen 自然人 | legal_person 法人');
const ContactKind = enumOf(['email', 'mobile'] as const, 'email 电子邮箱 | mobile 手机号');
/** An e-mail address or a mobile number, whichever the account signed up with. */
const Contact = Type.String({ minLength: 3, maxLength: 120, description: '电子邮箱或手机号' });
const Code = Type.String({ pattern: '^\\d{6}$', description: '6 位验证码' });

/** a citizen (name + 身份证号) or a legal person (name + 统一社会信用代码, and its agent). */
export const RegisterInput = Obj({
  kind: Kind,
  personName: Type.String({ minLength: 2, maxLength: 50, description: '姓名（法人注册时为经办人姓名）' }),
  idNumber: Type.String({ minLength: 15, maxLength: 24, description: '身份证号（法人注册时为经办人身份证号）' }),
  orgName: Type.Optional(Type.String({ minLength: 2, maxLength: 100, description: '法人名称' })),
  creditCode: Type.Optional(Type.String({ minLength: 18, maxLength: 24, description: '统一社会信用代码' })),
  contactKind: ContactKind,
  contact: Contact,
  password: Type.String({ minLength: 1, maxLength: 256 }),
});
export type RegisterInput = Static<typeof RegisterInput>;

export const CodeSent = Obj({
  /** Where the code went, masked (the person knows their own address). */
  sentTo: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const ContactInput = Obj({ contact: Contact });
export const ConfirmInput = Obj({ contact: Contact, code: Code });
export const ResetInput = Obj({
  contact: Contact,
  code: Code,
  newPassword: Type.String({ minLength: 1, maxLength: 256 }),
});

export const RealNameStatus = enumOf(
  ['verified', 'unverified', 'failed'] as const,
  'verified 已实名核验 | unverified 未核验 | failed 核验未通过',
);

/** What the account holder sees of their own account in the user centre. */
export const Account = Obj({
  kind: Kind,
  personName: Type.String(),
  idNumberMasked: Type.String(),
  orgName: Nullable(Type.String()),
  creditCode: Nullable(Type.String()),
  contactKind: ContactKind,
  contact: Type.String(),
  realNameStatus: RealNameStatus,
  realNameProvider: Nullable(Type.String()),
  realNameCheckedAt: Nullable(Type.String({ format: 'date-time' })),
  realNameMessage: Nullable(Type.String()),
  mfaEnabled: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Account = Static<typeof Account>;
