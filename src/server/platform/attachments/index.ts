/** The platform's attachments (evidence, materials): one table, one service, one pair of routes per owner kind. */
export {
  attachmentsByOwner,
  bindAttachments,
  openAttachment,
  uploadAttachment,
  type Attachment,
  type AttachmentPolicy,
  type AttachmentReaders,
  type Owner,
} from './service';
export { AttachmentIds, AttachmentOut, attachmentRoutes, type AttachmentRouteOptions } from './routes';
