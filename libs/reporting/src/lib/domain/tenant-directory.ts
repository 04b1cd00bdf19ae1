/**
 * The tenant directory (operators' `GET /tenants`): what the report has seen of each tenant on
 * any topic, and the few figures the Tenants page shows, each kept as the newest the services
 * published (by the event's `occurredAt`; a tie goes to the later one consumed). Pure.
 */

export interface MoneyFigure {
  amount: string;
  currency: string;
}

export type TenantFigure =
  | { kind: 'pool'; at: string; month: string; usedMinutes: number; reservedMinutes: number | null; capacityMinutes: number | null }
  | { kind: 'balance'; at: string; balance: MoneyFigure; billingSetUp: boolean }
  | { kind: 'owed'; at: string; owed: MoneyFigure }
  | { kind: 'recharge'; at: string; consecutiveFailures: number; retryAt: string | null }
  | { kind: 'recharge-cap'; at: string; month: string }
  | { kind: 'toll-free'; at: string; suspended: string[] };

export interface TenantState {
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** The latest pool month seen; `capacityMinutes` is carried over from an earlier month until a new one states it. */
  pool: { at: string; month: string; usedMinutes: number; reservedMinutes: number; capacityMinutes: number | null } | null;
  balance: { at: string; balance: MoneyFigure; billingSetUp: boolean } | null;
  owed: { at: string; owed: MoneyFigure } | null;
  recharge: { at: string; consecutiveFailures: number; retryAt: string | null } | null;
  rechargeCap: { at: string; month: string } | null;
  tollFree: { at: string; suspended: string[] } | null;
}

export const emptyTenantState = (): TenantState => ({
  firstSeenAt: null,
  lastSeenAt: null,
  pool: null,
  balance: null,
  owed: null,
  recharge: null,
  rechargeCap: null,
  tollFree: null,
});

const newer = (at: string, than: { at: string } | null) => than === null || at >= than.at;

/** Folds what a tenant's events said (in consumption order) into its state. */
export function foldTenant(state: TenantState, seen: readonly string[], figures: readonly TenantFigure[]): TenantState {
  let next: TenantState = { ...state };
  for (const at of seen) {
    if (next.firstSeenAt === null || at < next.firstSeenAt) next.firstSeenAt = at;
    if (next.lastSeenAt === null || at > next.lastSeenAt) next.lastSeenAt = at;
  }
  for (const f of figures) {
    switch (f.kind) {
      case 'pool':
        next = { ...next, pool: foldPool(next.pool, f) };
        break;
      case 'balance':
        if (newer(f.at, next.balance)) next = { ...next, balance: { at: f.at, balance: f.balance, billingSetUp: f.billingSetUp } };
        break;
      case 'owed':
        if (newer(f.at, next.owed)) next = { ...next, owed: { at: f.at, owed: f.owed } };
        break;
      case 'recharge':
        if (newer(f.at, next.recharge)) next = { ...next, recharge: { at: f.at, consecutiveFailures: f.consecutiveFailures, retryAt: f.retryAt } };
        break;
      case 'recharge-cap':
        if (next.rechargeCap === null || f.month >= next.rechargeCap.month) next = { ...next, rechargeCap: { at: f.at, month: f.month } };
        break;
      case 'toll-free':
        if (newer(f.at, next.tollFree)) next = { ...next, tollFree: { at: f.at, suspended: f.suspended } };
        break;
    }
  }
  return next;
}

function foldPool(pool: TenantState['pool'], f: Extract<TenantFigure, { kind: 'pool' }>): TenantState['pool'] {
  if (pool === null || f.month > pool.month) {
    return {
      at: f.at,
      month: f.month,
      usedMinutes: f.usedMinutes,
      reservedMinutes: f.reservedMinutes ?? 0,
      capacityMinutes: f.capacityMinutes ?? pool?.capacityMinutes ?? null,
    };
  }
  if (f.month < pool.month) return pool.capacityMinutes === null && f.capacityMinutes !== null ? { ...pool, capacityMinutes: f.capacityMinutes } : pool;
  const later = f.at >= pool.at;
  return {
    at: later ? f.at : pool.at,
    month: pool.month,
    // Used minutes only grow within a month.
    usedMinutes: Math.max(pool.usedMinutes, f.usedMinutes),
    reservedMinutes: later && f.reservedMinutes !== null ? f.reservedMinutes : pool.reservedMinutes,
    capacityMinutes: later && f.capacityMinutes !== null ? f.capacityMinutes : (pool.capacityMinutes ?? f.capacityMinutes),
  };
}

export type AlertLevel = 'red' | 'yellow' | 'blue';

export interface TenantAlert {
  code: string;
  level: AlertLevel;
  text: string;
}

export interface TenantEntry {
  tenantId: string;
  firstSeenAt: string | null;
  lastSeenAt: string | null;
  /** This month's pool (UTC): used and reserved minutes, the capacity last stated (null when never), used % to one decimal rounded down. */
  pool: { month: string; capacityMinutes: number | null; usedMinutes: number; reservedMinutes: number; usedPercent: string | null };
  balance: MoneyFigure | null;
  owed: MoneyFigure | null;
  billingSetUp: boolean | null;
  alerts: TenantAlert[];
  callsToday: number;
}

const isZero = (amount: string) => /^-?0*(\.0*)?$/.test(amount);
const isPositive = (amount: string) => !amount.startsWith('-') && !isZero(amount);

/** Per-mille of used over capacity, rounded down, as "63.5" (so a pool is "100" only when used up); null without a capacity. */
export function usedPercentOf(used: number, capacity: number | null): string | null {
  if (capacity === null || capacity <= 0) return null;
  const pm = Math.floor((Math.max(0, used) * 1000) / capacity);
  return pm % 10 === 0 ? String(pm / 10) : `${Math.floor(pm / 10)}.${pm % 10}`;
}

/** A tenant's row in the directory, now (`month`: the current UTC month). */
export function tenantEntryOf(tenantId: string, state: TenantState, month: string, callsToday: number): TenantEntry {
  const thisMonth = state.pool?.month === month;
  const capacityMinutes = state.pool?.capacityMinutes ?? null;
  const usedMinutes = thisMonth ? state.pool!.usedMinutes : 0;
  const reservedMinutes = thisMonth ? state.pool!.reservedMinutes : 0;
  const usedPercent = usedPercentOf(usedMinutes, capacityMinutes);
  const balance = state.balance?.balance ?? null;
  const owed = state.owed?.owed ?? (balance ? { amount: '0.00', currency: balance.currency } : null);
  const alerts: TenantAlert[] = [];
  const pm = capacityMinutes && capacityMinutes > 0 ? Math.floor((usedMinutes * 1000) / capacityMinutes) : null;
  if (pm !== null && pm >= 1000)
    alerts.push({ code: 'POOL_100', level: 'red', text: `The ${month} dial-out pool is used up (${usedMinutes} of ${capacityMinutes} minutes).` });
  else if (pm !== null && pm >= 800)
    alerts.push({ code: 'POOL_80', level: 'yellow', text: `80 % of the ${month} dial-out pool is used (${usedMinutes} of ${capacityMinutes} minutes).` });
  if (state.balance?.billingSetUp && isZero(state.balance.balance.amount))
    alerts.push({ code: 'BALANCE_ZERO', level: 'red', text: 'The wallet balance is zero.' });
  if (owed && isPositive(owed.amount)) alerts.push({ code: 'OWED', level: 'red', text: `The wallet owes ${owed.amount} ${owed.currency}.` });
  if (state.recharge && state.recharge.consecutiveFailures > 0) {
    const n = state.recharge.consecutiveFailures;
    alerts.push({
      code: 'RECHARGE_FAILED',
      level: 'red',
      text: `Auto-recharge failed ${n} time${n === 1 ? '' : 's'} in a row${state.recharge.retryAt ? `; next attempt after ${state.recharge.retryAt}` : ''}.`,
    });
  }
  if (state.rechargeCap?.month === month)
    alerts.push({ code: 'RECHARGE_CAP', level: 'yellow', text: `The monthly cap of auto-recharges is reached for ${month}.` });
  if (state.balance && !state.balance.billingSetUp)
    alerts.push({ code: 'BILLING_NOT_SET_UP', level: 'blue', text: 'Billing is not set up: the wallet was never funded.' });
  const suspended = state.tollFree?.suspended ?? [];
  if (suspended.length > 0)
    alerts.push({
      code: 'TOLL_FREE_SUSPENDED',
      level: 'red',
      text: `${suspended.length} toll-free number${suspended.length === 1 ? ' is' : 's are'} suspended: ${suspended.join(', ')}.`,
    });
  const rank: Record<AlertLevel, number> = { red: 0, yellow: 1, blue: 2 };
  alerts.sort((a, b) => rank[a.level] - rank[b.level]);
  return {
    tenantId,
    firstSeenAt: state.firstSeenAt,
    lastSeenAt: state.lastSeenAt,
    pool: { month, capacityMinutes, usedMinutes, reservedMinutes, usedPercent },
    balance,
    owed,
    billingSetUp: state.balance?.billingSetUp ?? null,
    alerts,
    callsToday,
  };
}

type Published = { type: string; occurredAt: string } & Record<string, unknown>;
const money = (v: unknown): MoneyFigure => ({ amount: String((v as MoneyFigure).amount), currency: String((v as MoneyFigure).currency) });
const intOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) ? v : null);

/** The directory's figures in a published event of the pool, the wallet or toll-free (none for the rest). */
export function figuresOf(e: Published): TenantFigure[] {
  const at = e.occurredAt;
  switch (e.type) {
    case 'PoolMinutesReserved':
    case 'PoolMinutesDebited':
    case 'PoolReservationExpired':
      return [
        {
          kind: 'pool',
          at,
          month: String(e['month']),
          usedMinutes: Number(e['usedMinutes']),
          reservedMinutes: intOrNull(e['reservedMinutes']),
          capacityMinutes: intOrNull(e['capacityMinutes']),
        },
      ];
    case 'WalletBalanceChanged':
      return [{ kind: 'balance', at, balance: money(e['balance']), billingSetUp: e['billingSetUp'] === true }];
    case 'CallCharged':
      return e['owedAfter'] ? [{ kind: 'owed', at, owed: money(e['owedAfter']) }] : [];
    case 'OwedSettled':
      return [{ kind: 'owed', at, owed: money(e['owedAfter']) }];
    case 'AutoRechargeFailed':
      return [{ kind: 'recharge', at, consecutiveFailures: Number(e['consecutiveFailures']), retryAt: typeof e['retryAt'] === 'string' ? e['retryAt'] : null }];
    case 'AutoRechargeSucceeded':
      return [{ kind: 'recharge', at, consecutiveFailures: 0, retryAt: null }];
    case 'AutoRechargeCapReached':
      return [{ kind: 'recharge-cap', at, month: String(e['month']) }];
    case 'TollFreeNumbersSuspended':
      return [{ kind: 'toll-free', at, suspended: (e['numbers'] as string[]).slice() }];
    case 'TollFreeNumbersResumed':
      return [{ kind: 'toll-free', at, suspended: [] }];
    default:
      return [];
  }
}
