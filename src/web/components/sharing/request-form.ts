/** The applicant's form (apply and resubmit share it) and the small date helpers the sharing pages use. */
import type { Letter, Method, RequestFieldsInput, ShareRequest } from '../../api/sharing-types';
import { todayShanghai } from '../../utils/format';

/** An item on the checklist; apply-info says which are requestable, a request's own items all are. */
export interface ItemChoice {
  id: string;
  name: string;
  fieldName: string | null;
  maskRule?: string | null;
  requestable?: boolean;
}

export interface RequestForm {
  purpose: string;
  systemName: string;
  itemIds: string[];
  method: Method | '';
  periodFrom: string;
  periodTo: string;
  letter: Letter | null;
}

/** YYYY-MM-DD plus whole days, on the calendar (no time zone can shift it). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** One year of use from today, the server's default grant length, so most applicants need not touch it. */
export function defaultPeriod(): { periodFrom: string; periodTo: string } {
  const from = todayShanghai();
  const next = new Date(`${from}T00:00:00Z`);
  next.setUTCFullYear(next.getUTCFullYear() + 1);
  return { periodFrom: from, periodTo: addDays(next.toISOString().slice(0, 10), -1) };
}

export function blankRequestForm(itemIds: string[], methods: readonly Method[]): RequestForm {
  return {
    purpose: '',
    systemName: '',
    itemIds: [...itemIds],
    method: methods[0] ?? '',
    ...defaultPeriod(),
    letter: null,
  };
}

/** A returned request's own values, for the resubmit form. */
export function formFromRequest(r: ShareRequest): RequestForm {
  return {
    purpose: r.purpose,
    systemName: r.systemName,
    itemIds: [...r.itemIds],
    method: r.method,
    periodFrom: r.periodFrom ?? '',
    periodTo: r.periodTo ?? '',
    letter: r.letter,
  };
}

/** What the API takes; blank optional fields are left out rather than sent empty. */
export function requestInput(f: RequestForm): RequestFieldsInput {
  return {
    purpose: f.purpose.trim(),
    systemName: f.systemName.trim(),
    itemIds: [...f.itemIds],
    method: f.method as Method,
    ...(f.periodFrom ? { periodFrom: f.periodFrom } : {}),
    ...(f.periodTo ? { periodTo: f.periodTo } : {}),
    ...(f.letter ? { letterId: f.letter.id } : {}),
  };
}

/** 1.2 MB style sizes for the letter line. */
export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
