import { Type } from '@sinclair/typebox';
import { Obj, Uuid } from '../../platform/http/schemas';

/** A file of a review or an application; its content is at GET /api/open/attachments/{id}. */
export const AttachmentOut = Obj({ id: Uuid, fileName: Type.String(), mime: Type.String(), size: Type.Integer() });
