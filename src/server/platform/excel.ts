import type ExcelJS from 'exceljs';

/**
 * exceljs, loaded on first use (catalog imports, exports, templates, uploads): it costs a process about
 * 25 MB, which a server that never handles a workbook need not carry (bench/memory).
 */
export const loadExcel = async (): Promise<typeof ExcelJS> => (await import('exceljs')).default;
