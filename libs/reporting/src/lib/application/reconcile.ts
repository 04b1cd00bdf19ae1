import Decimal from 'decimal.js';
import { formatAmount } from '../domain/money-format';

/** A report row as reconciliation needs it. */
export interface ReportCall {
  callId: string;
  startTime: string | null;
  poolMinutes: number | null;
  charge: string | null;
  currency: string | null;
}

/** A call as the pool shows it (`GET /tenants/{t}/pool/calls?month=`). */
export interface PoolCall {
  callId: string;
  poolMinutes: number | null;
}

/** A `CallCharged` row of the wallet's ledger (`GET /tenants/{t}/wallet/transactions`): its `details.cost`. */
export interface WalletCharge {
  callId: string;
  cost: string;
  currency: string;
}

export interface ReconciliationInput {
  tenantId: string;
  /** `YYYY-MM` (UTC): calls that started in it. */
  month: string;
  /** The report's rows of the month and of the months around it (to place charges of calls that started in another month). */
  reportCalls: ReportCall[];
  pool: { usedMinutes: number; calls: PoolCall[] };
  walletCharges: WalletCharge[];
}

export interface Difference {
  /** `pool-minutes` or `charge`. */
  kind: 'pool-minutes' | 'charge';
  callId: string | null;
  report: string | number | null;
  other: string | number | null;
  note: string;
}

export interface Reconciliation {
  tenantId: string;
  month: string;
  report: { calls: number; poolMinutes: number; charges: string; currency: string | null };
  pool: { usedMinutes: number };
  wallet: { charges: string; currency: string | null };
  agrees: boolean;
  differences: Difference[];
}

/**
 * Compares the report's totals of a month (calls that STARTED in it, the month the pool debits)
 * with the pool's used minutes and the wallet's charges, call by call, and says where they
 * differ (pure; `npm run -s reconcile` feeds it from the three services' APIs).
 */
export function reconcile(input: ReconciliationInput): Reconciliation {
  const inMonth = input.reportCalls.filter((c) => c.startTime?.slice(0, 7) === input.month);
  const reportMonthOf = new Map(input.reportCalls.map((c) => [c.callId, c.startTime?.slice(0, 7) ?? null]));
  const currency = inMonth.find((c) => c.currency)?.currency ?? input.walletCharges[0]?.currency ?? null;
  const differences: Difference[] = [];

  const reportPool = inMonth.reduce((n, c) => n + (c.poolMinutes ?? 0), 0);
  const reportCharges = inMonth.reduce((sum, c) => sum.plus(c.charge ?? 0), new Decimal(0));

  // Pool, per call and in total.
  const reportByCall = new Map(inMonth.map((c) => [c.callId, c]));
  for (const call of input.pool.calls) {
    const row = reportByCall.get(call.callId);
    const poolMinutes = call.poolMinutes ?? 0;
    const reported = row?.poolMinutes ?? 0;
    if (poolMinutes !== reported) {
      differences.push({
        kind: 'pool-minutes',
        callId: call.callId,
        report: row ? reported : null,
        other: poolMinutes,
        note: row ? 'the pool debited other minutes than the report shows' : "a call the pool debited is not in the report's month",
      });
    }
  }
  const poolCalls = new Set(input.pool.calls.map((c) => c.callId));
  for (const row of inMonth) {
    if ((row.poolMinutes ?? 0) > 0 && !poolCalls.has(row.callId)) {
      differences.push({
        kind: 'pool-minutes',
        callId: row.callId,
        report: row.poolMinutes,
        other: null,
        note: 'the report shows pool minutes for a call the pool does not list',
      });
    }
  }
  if (reportPool !== input.pool.usedMinutes) {
    differences.push({
      kind: 'pool-minutes',
      callId: null,
      report: reportPool,
      other: input.pool.usedMinutes,
      note: "the report's pool minutes differ from the pool's used minutes",
    });
  }

  // Wallet, per call and in total: the charges of the month's calls, and those of calls the report does not know at all.
  const walletByCall = new Map<string, Decimal>();
  for (const charge of input.walletCharges) {
    const month = reportMonthOf.get(charge.callId);
    if (month !== undefined && month !== input.month) continue; // a call of another month
    walletByCall.set(charge.callId, (walletByCall.get(charge.callId) ?? new Decimal(0)).plus(charge.cost));
  }
  const walletTotal = [...walletByCall.values()].reduce((sum, v) => sum.plus(v), new Decimal(0));
  for (const [callId, charged] of walletByCall) {
    const row = reportByCall.get(callId);
    const reported = new Decimal(row?.charge ?? 0);
    if (!reported.equals(charged)) {
      differences.push({
        kind: 'charge',
        callId,
        report: row ? formatAmount(reported, currency) : null,
        other: formatAmount(charged, currency),
        note: row ? 'the wallet charged another amount than the report shows' : 'the wallet charged a call the report does not have',
      });
    }
  }
  for (const row of inMonth) {
    if (row.charge !== null && !new Decimal(row.charge).isZero() && !walletByCall.has(row.callId)) {
      differences.push({
        kind: 'charge',
        callId: row.callId,
        report: formatAmount(row.charge, currency),
        other: null,
        note: 'the report shows a charge the wallet has no record of',
      });
    }
  }
  if (!reportCharges.equals(walletTotal)) {
    differences.push({
      kind: 'charge',
      callId: null,
      report: formatAmount(reportCharges, currency),
      other: formatAmount(walletTotal, currency),
      note: "the report's charges differ from the wallet's",
    });
  }

  return {
    tenantId: input.tenantId,
    month: input.month,
    report: { calls: inMonth.length, poolMinutes: reportPool, charges: formatAmount(reportCharges, currency), currency },
    pool: { usedMinutes: input.pool.usedMinutes },
    wallet: { charges: formatAmount(walletTotal, currency), currency },
    agrees: differences.length === 0,
    differences,
  };
}

/** The range of the report to read for a month's reconciliation: the month before, the month, the month after. */
export function reconciliationWindow(month: string): { from: string; to: string } {
  const [year, m] = month.split('-').map(Number) as [number, number];
  const from = new Date(Date.UTC(year, m - 2, 1));
  const to = new Date(Date.UTC(year, m + 1, 1));
  return { from: from.toISOString(), to: to.toISOString() };
}

export interface ServiceUrls {
  reporting: string;
  poolLedger: string;
  creditWallet: string;
}

type Fetch = (url: string) => Promise<unknown>;

/** Reads the three services' APIs (with `get`, which carries the operator's token) and reconciles. */
export async function reconcileFromApis(urls: ServiceUrls, tenantId: string, month: string, get: Fetch): Promise<Reconciliation> {
  const t = encodeURIComponent(tenantId);
  const window = reconciliationWindow(month);
  const reportCalls: ReportCall[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ from: window.from, to: window.to, limit: '1000', ...(cursor ? { cursor } : {}) });
    const page = (await get(`${urls.reporting}/tenants/${t}/usage?${query}`)) as { items: ReportCall[]; nextCursor: string | null };
    reportCalls.push(
      ...page.items.map((r) => ({ callId: r.callId, startTime: r.startTime, poolMinutes: r.poolMinutes, charge: r.charge, currency: r.currency })),
    );
    cursor = page.nextCursor;
  } while (cursor);

  const pool = (await get(`${urls.poolLedger}/tenants/${t}/pool?month=${month}`)) as { usedMinutes: number };
  const poolCalls = (await get(`${urls.poolLedger}/tenants/${t}/pool/calls?month=${month}`)) as PoolCall[];

  const walletCharges: WalletCharge[] = [];
  let before: string | null = null;
  const earliest = window.from;
  for (;;) {
    const query = new URLSearchParams({ limit: '200', ...(before ? { cursor: before } : {}) });
    const page = (await get(`${urls.creditWallet}/tenants/${t}/wallet/transactions?${query}`)) as {
      items: { type: string; callId: string | null; occurredAt: string; details: { cost?: { amount: string; currency: string } } }[];
      nextCursor: string | null;
    };
    for (const item of page.items) {
      if (item.type === 'CallCharged' && item.callId && item.details.cost && item.occurredAt >= window.from && item.occurredAt < window.to) {
        walletCharges.push({ callId: item.callId, cost: item.details.cost.amount, currency: item.details.cost.currency });
      }
    }
    // Newest first: a charge is recorded after its call started, so nothing older than the window matters.
    const oldest = page.items[page.items.length - 1]?.occurredAt;
    if (!page.nextCursor || (oldest !== undefined && oldest < earliest)) break;
    before = page.nextCursor;
  }
  return reconcile({ tenantId, month, reportCalls, pool: { usedMinutes: pool.usedMinutes, calls: poolCalls }, walletCharges });
}
