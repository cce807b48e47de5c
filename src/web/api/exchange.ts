/** Data exchange (数据交换) API calls: source databases, an entry's pull binding and runs, resource data. */
import { api, buildUrl } from './client';
import type { Res } from './openapi';
import type {
  Binding,
  BindingInput,
  ExportFormat,
  Quality,
  Library,
  LibraryKind,
  Masking,
  MaskingPreview,
  MaskingRuleInput,
  RecordsPage,
  ResourceFile,
  Run,
  RunMode,
  Source,
  SourceInput,
  SourcePatch,
  TestResult,
} from './exchange-types';

export type * from './exchange-types';
export { DEFAULT_PORT, MASKING_CHANNELS, SOURCE_KINDS } from './exchange-types';

const base = '/api/exchange';

/** 102/000001 → /api/v1/data/102/000001: the resource's query API is addressed by its catalog code. */
const dataBase = (code: string) => `/api/v1/data/${code.split('/').map(encodeURIComponent).join('/')}`;

export const exchangeApi = {
  libraries: (kind: LibraryKind) => api.get<Library[]>(`${base}/libraries/${kind}`),
  sources: (departmentId?: string) => api.get<Res<'/api/exchange/sources'>>(`${base}/sources`, { departmentId }),
  createSource: (body: SourceInput) => api.post<Source>(`${base}/sources`, body),
  updateSource: (id: string, body: SourcePatch) => api.patch<Source>(`${base}/sources/${id}`, body),
  deleteSource: (id: string) => api.delete<Res<'/api/exchange/sources/{id}', 'delete'>>(`${base}/sources/${id}`),
  testSource: (id: string) => api.post<TestResult>(`${base}/sources/${id}/test`),
  tables: (id: string) => api.get<Res<'/api/exchange/sources/{id}/tables'>>(`${base}/sources/${id}/tables`),
  columns: (id: string, table: string) =>
    api.get<Res<'/api/exchange/sources/{id}/columns'>>(`${base}/sources/${id}/columns`, { table }),
  binding: (entryId: string) => api.get<Binding>(`${base}/entries/${entryId}/binding`),
  saveBinding: (entryId: string, body: BindingInput) => api.put<Binding>(`${base}/entries/${entryId}/binding`, body),
  pull: (entryId: string, mode?: RunMode) =>
    api.post<Res<'/api/exchange/entries/{id}/runs', 'post'>>(`${base}/entries/${entryId}/runs`, mode ? { mode } : {}),
  runs: (entryId: string) => api.get<Run[]>(`${base}/entries/${entryId}/runs`),
  files: (entryId: string) => api.get<Res<'/api/exchange/entries/{id}/files'>>(`${base}/entries/${entryId}/files`),
  /** The note goes first: the server reads fields before the file. */
  uploadFile: (entryId: string, file: File, note: string) => {
    const form = new FormData();
    if (note) form.append('note', note);
    form.append('file', file, file.name);
    return api.upload<ResourceFile>(`${base}/entries/${entryId}/files`, form);
  },
  fileUrl: (fileId: string) => `${base}/files/${fileId}/content`,
  withdrawFile: (fileId: string, reason: string) =>
    api.post<ResourceFile>(`${base}/files/${fileId}/withdraw`, { reason }),
  masking: (entryId: string) => api.get<Masking>(`${base}/entries/${entryId}/masking`),
  /** The whole configuration: rules left out are removed. */
  saveMasking: (entryId: string, rules: MaskingRuleInput[]) =>
    api.put<Masking>(`${base}/entries/${entryId}/masking`, rules),
  previewMasking: (entryId: string, rule: string, value: string) =>
    api.post<MaskingPreview>(`${base}/entries/${entryId}/masking/preview`, { rule, value }),
  records: (code: string, limit = 20) => api.get<RecordsPage>(`${dataBase(code)}/records`, { limit }),
  exportUrl: (code: string, format: ExportFormat = 'csv') => buildUrl(`${dataBase(code)}/export`, { format }),
  quality: (entryId: string) => api.get<Quality>(`${base}/entries/${entryId}/quality`),
};
