/** The usage report of the reporting service (design.md, "Reporting service"). */
export interface UsageFilters {
  /** Inclusive start date YYYY-MM-DD (UTC). */
  from: string;
  /** Inclusive end date YYYY-MM-DD (UTC). */
  to: string;
  callType?: string;
  userId?: string;
  funding?: string;
}

export const CALL_TYPES = ['conf_out', 'conf_in', 'user_out', 'user_in', 'ucap_in'] as const;
export const FUNDINGS = ['pool', 'credits', 'calling-plan', 'free'] as const;

/** The day after a date YYYY-MM-DD. */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * The query string of `GET /tenants/{t}/usage`: `from` the first instant of the first day, `to`
 * the first instant after the last day (the dates a person picks are inclusive).
 */
export function usageQuery(filters: UsageFilters, page: { cursor?: string | null; limit?: number; format?: 'csv' } = {}): string {
  const params = new URLSearchParams();
  params.set('from', `${filters.from}T00:00:00.000Z`);
  params.set('to', `${nextDay(filters.to)}T00:00:00.000Z`);
  if (filters.callType) params.set('callType', filters.callType);
  if (filters.userId?.trim()) params.set('userId', filters.userId.trim());
  if (filters.funding) params.set('funding', filters.funding);
  if (page.cursor) params.set('cursor', page.cursor);
  if (page.limit) params.set('limit', String(page.limit));
  if (page.format) params.set('format', page.format);
  return params.toString();
}

/** The file name of a CSV download: usage-contoso-2026-11-01-to-2026-11-30.csv */
export function csvFileName(tenant: string, filters: UsageFilters): string {
  return `usage-${tenant.replace(/[^A-Za-z0-9._-]/g, '_')}-${filters.from}-to-${filters.to}.csv`;
}

/** "1 h 02 min 05 s", "4 min 00 s", "59 s" */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min ${String(s).padStart(2, '0')} s`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
