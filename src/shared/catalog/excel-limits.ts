/**
 * The largest workbook the catalog import takes: one number for the server, which refuses a
 * larger upload (413 UPLOAD_TOO_LARGE), and for the import dialog, which refuses it before sending.
 */
export const CATALOG_IMPORT_MAX_BYTES = 10 * 1024 * 1024;
