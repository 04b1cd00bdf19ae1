import { Money, chartValue, formatMoney } from './money';

/** One day of the month for the pool chart. */
export interface PoolDayPoint {
  /** "01" … "31" */
  day: string;
  date: string;
  poolMinutes: number;
  /** Minutes used since the start of the month, this day included. */
  cumulative: number;
}

export interface DaySummary {
  /** YYYY-MM-DD (UTC) */
  date: string;
  poolMinutes: number;
}

/** Days in a calendar month "YYYY-MM". */
export function daysInMonth(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

/** Every day of the month (days without calls at 0), with a running total; days of other months are ignored. */
export function poolMinutesPerDay(month: string, days: readonly DaySummary[]): PoolDayPoint[] {
  const byDate = new Map<string, number>();
  for (const d of days) {
    const date = d.date.slice(0, 10);
    if (date.startsWith(`${month}-`)) byDate.set(date, (byDate.get(date) ?? 0) + d.poolMinutes);
  }
  let cumulative = 0;
  return Array.from({ length: daysInMonth(month) }, (_, i) => {
    const day = String(i + 1).padStart(2, '0');
    const date = `${month}-${day}`;
    const poolMinutes = byDate.get(date) ?? 0;
    cumulative += poolMinutes;
    return { day, date, poolMinutes, cumulative };
  });
}

/** A ledger row of `GET /tenants/{t}/wallet/transactions` (the fields the charts read). */
export interface LedgerRow {
  id: string;
  sequence: number;
  type: string;
  occurredAt: string;
  amount: Money;
  balanceAfter: Money | null;
  details?: Record<string, unknown>;
}

export interface BalancePoint {
  /** Milliseconds since the epoch (the chart's x). */
  at: number;
  /** Chart position only (see chartValue); the label is exact. */
  balance: number;
  balanceText: string;
  type: string;
  /** A recharge (auto-recharge funds) or a top-up: marked on the chart. */
  funding: 'auto-recharge' | 'funds' | null;
}

/**
 * The balance over time from ledger rows (any order, any overlap of pages): one point per row
 * that states the balance after it, oldest first; funds added are marked as recharges or top-ups.
 */
export function balanceSeries(rows: readonly LedgerRow[]): BalancePoint[] {
  const unique = new Map<string, LedgerRow>();
  for (const row of rows) if (row.balanceAfter) unique.set(row.id, row);
  return [...unique.values()]
    .sort((a, b) => a.sequence - b.sequence)
    .map((row) => ({
      at: Date.parse(row.occurredAt),
      balance: chartValue(row.balanceAfter!),
      balanceText: formatMoney(row.balanceAfter),
      type: row.type,
      funding: row.type === 'FundsAdded' ? (row.details?.['source'] === 'auto-recharge' ? 'auto-recharge' : 'funds') : null,
    }));
}

/** Rows at or after an instant (the pages the chart needs: it stops paging once older rows appear). */
export function since(rows: readonly LedgerRow[], from: string): LedgerRow[] {
  const limit = Date.parse(from);
  return rows.filter((r) => Date.parse(r.occurredAt) >= limit);
}

/** The first instant of a month "YYYY-MM" (UTC), ISO. */
export function monthStart(month: string): string {
  return `${month}-01T00:00:00.000Z`;
}

/** "YYYY-MM" of an instant, UTC. */
export function monthOf(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** "YYYY-MM-DD" of an instant, UTC. */
export function dayOf(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
