import Decimal from 'decimal.js';
import { formatAmount } from './money-format';

export const SUMMARY_GROUPS = ['day', 'callType', 'country', 'user'] as const;
export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];

/** What one call contributes to its group (the summary's input, one per row). */
export interface SummaryInput {
  startTime: string;
  callType: string | null;
  toCountry: string | null;
  userId: string | null;
  decision: 'admitted' | 'rejected' | null;
  durationSeconds: number | null;
  poolMinutes: number | null;
  charge: string | null;
  currency: string | null;
}

export interface SummaryGroupView {
  key: string | null;
  calls: number;
  rejectedCalls: number;
  /** Whole minutes (each call's seconds rounded up) of admitted calls; a rejected call has none. */
  minutes: number;
  poolMinutes: number;
  charges: { amount: string; currency: string | null };
}

/**
 * The group a call falls in: its start's UTC day, its call type, the country of the number
 * called (the destination of an outbound call, the tenant's number of an inbound one: what
 * both rate cards price by), or its user.
 */
export function groupKeyOf(row: SummaryInput, groupBy: SummaryGroup): string | null {
  switch (groupBy) {
    case 'day':
      return row.startTime.slice(0, 10);
    case 'callType':
      return row.callType;
    case 'country':
      return row.toCountry;
    case 'user':
      return row.userId;
  }
}

/** Minutes of one call as the summary counts them. */
export function minutesOf(row: Pick<SummaryInput, 'decision' | 'durationSeconds'>): number {
  return row.decision === 'admitted' && row.durationSeconds !== null ? Math.ceil(row.durationSeconds / 60) : 0;
}

/**
 * Groups calls (pure; the service runs the same rules as one SQL GROUP BY, and the integration
 * test holds the two together). Groups are in key order, nulls last.
 */
export function summarize(rows: readonly SummaryInput[], groupBy: SummaryGroup): SummaryGroupView[] {
  // A tenant's wallet has one currency: the groups without a charge show their zero in it too.
  const tenantCurrency = rows.find((r) => r.currency !== null)?.currency ?? null;
  const groups = new Map<
    string | null,
    { calls: number; rejectedCalls: number; minutes: number; poolMinutes: number; charges: Decimal; currency: string | null }
  >();
  for (const row of rows) {
    const key = groupKeyOf(row, groupBy);
    const g = groups.get(key) ?? { calls: 0, rejectedCalls: 0, minutes: 0, poolMinutes: 0, charges: new Decimal(0), currency: null };
    g.calls += 1;
    if (row.decision === 'rejected') g.rejectedCalls += 1;
    g.minutes += minutesOf(row);
    g.poolMinutes += row.poolMinutes ?? 0;
    if (row.charge !== null) g.charges = g.charges.plus(row.charge);
    g.currency ??= row.currency;
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1))
    .map(([key, g]) => ({
      key,
      calls: g.calls,
      rejectedCalls: g.rejectedCalls,
      minutes: g.minutes,
      poolMinutes: g.poolMinutes,
      charges: { amount: formatAmount(g.charges, g.currency ?? tenantCurrency), currency: g.currency ?? tenantCurrency },
    }));
}
