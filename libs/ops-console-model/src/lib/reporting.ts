/**
 * Tolerant readers of the reporting service's JSON (its pages and summaries), so the console
 * shows what it gets whether rows come as a bare array or under `items`.
 */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageOf<T>(body: unknown): Page<T> {
  if (Array.isArray(body)) return { items: body as T[], nextCursor: null };
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const items = (b['items'] ?? b['rows'] ?? b['data'] ?? b['groups'] ?? []) as T[];
  const next = b['nextCursor'] ?? b['next_cursor'] ?? null;
  return { items: Array.isArray(items) ? items : [], nextCursor: typeof next === 'string' && next ? next : null };
}

export interface SummaryGroup {
  key: string;
  calls: number;
  minutes: number;
  poolMinutes: number;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : 0);

/** The groups of `GET /tenants/{t}/usage/summary`, whatever the key is called (`key`, `group`, `day`, `date`). */
export function summaryGroups(body: unknown): SummaryGroup[] {
  return pageOf<Record<string, unknown>>(body).items.map((g) => ({
    key: String(g['key'] ?? g['group'] ?? g['day'] ?? g['date'] ?? ''),
    calls: num(g['calls']),
    minutes: num(g['minutes']),
    poolMinutes: num(g['poolMinutes']),
  }));
}
