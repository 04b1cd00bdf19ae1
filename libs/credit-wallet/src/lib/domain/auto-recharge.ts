import { AutoRechargeReason, monthOf } from '@comms-credits/contracts';
import { Minor } from './money';

/** How declines are handled (settings; see docs/credit-wallet.md). */
export interface RechargePolicy {
  /** Wait after the first decline; doubled after each further one… */
  backoffBaseMs: number;
  /** …up to this cap. */
  backoffMaxMs: number;
  /** An alert after this many declines in a row (once per streak). */
  alertAfter: number;
}

/** A recharge asked of the payment gateway and not yet answered. */
export interface PendingRecharge {
  rechargeId: string;
  amount: Minor;
}

export interface AutoRechargeState {
  enabled: boolean;
  trigger: Minor | null;
  amount: Minor | null;
  /** The payment method's token (never a card number). */
  token: string | null;
  pending: PendingRecharge | null;
  /** Declines (and gateway failures) in a row since the last success or new payment method. */
  failures: number;
  /** No new attempt before this instant (back-off after a decline). */
  retryAt: string | null;
  /** Recharges requested so far: numbers the next recharge id. */
  requested: number;
  /** At most this many successful recharges per calendar month (UTC), or null for no cap. */
  maxPerMonth: number | null;
  /** The month (`YYYY-MM`) `succeededInMonth` counts, and the successful recharges in it. */
  countedMonth: string | null;
  succeededInMonth: number;
  /** The month whose cap was reached and alerted (`AutoRechargeCapReached` once per month). */
  capAlertedMonth: string | null;
}

export const noAutoRecharge = (): AutoRechargeState => ({
  enabled: false,
  trigger: null,
  amount: null,
  token: null,
  pending: null,
  failures: 0,
  retryAt: null,
  requested: 0,
  maxPerMonth: null,
  countedMonth: null,
  succeededInMonth: 0,
  capAlertedMonth: null,
});

/** Why a recharge is asked for now (the contract's `AutoRechargeRequested.reason`). */
export type RechargeReason = AutoRechargeReason;

/** What the command at hand did that may start a recharge (domain.md, "Auto-recharge"). */
export interface RechargeCause {
  /** Auto-recharge settings or the payment method changed. */
  configured: boolean;
  /** A charge, a hold or a lot expiry: money the wallet can spend went down. */
  spent: boolean;
}

/** Exponential back-off after the n-th decline in a row: base × 2^(n−1), capped. */
export function backoffMs(failures: number, policy: RechargePolicy): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.backoffBaseMs * 2 ** exponent, policy.backoffMaxMs);
}

/** Set up, below the trigger, nothing in flight and not backing off: a recharge may start. */
function mayRecharge(state: AutoRechargeState, available: Minor, now: string): boolean {
  if (!state.enabled || state.token === null || state.trigger === null || state.amount === null) return false;
  if (state.pending !== null || available >= state.trigger) return false;
  return state.retryAt === null || Date.parse(state.retryAt) <= Date.parse(now);
}

/** Successful recharges in the month of `now` (UTC). */
export function rechargesInMonth(state: AutoRechargeState, now: string): number {
  return state.countedMonth === monthOf(now) ? state.succeededInMonth : 0;
}

/** The monthly cap is set and this month has had that many recharges. */
export function capReached(state: AutoRechargeState, now: string): boolean {
  return state.maxPerMonth !== null && rechargesInMonth(state, now) >= state.maxPerMonth;
}

/**
 * Whether the command that moved the AVAILABLE balance (balance − held − owed) from `before`
 * to `after` starts a recharge. It watches the available balance, not the balance (domain.md):
 * whenever a charge, a hold, a lot expiry or a settings change leaves it below the trigger,
 * with nothing pending and no back-off running, one recharge starts; a back-off that has run
 * out retries. Nothing else starts one: in particular not the recharge's own success, so a
 * recharge amount too small to lift the balance above the trigger recharges once per charge,
 * never in a loop. The monthly cap (`capReached`) is checked by the caller.
 */
export function rechargeReason(state: AutoRechargeState, before: Minor, after: Minor, now: string, cause: RechargeCause): RechargeReason | null {
  if (!mayRecharge(state, after, now)) return null;
  if (cause.configured) return 'configured-below-trigger';
  if (state.failures > 0) return 'retry-after-decline';
  if (!cause.spent) return null;
  return before >= state.trigger! ? 'crossed-trigger' : 'below-trigger';
}

/**
 * When time alone will make a recharge due: the end of a back-off, if a retry could start then
 * (nothing pending, below the trigger, the month's cap not alerted).
 */
export function retryDueAt(state: AutoRechargeState, available: Minor): string | null {
  if (state.failures === 0 || state.retryAt === null || state.pending !== null) return null;
  if (!state.enabled || state.token === null || state.trigger === null || available >= state.trigger) return null;
  if (state.capAlertedMonth !== null && state.capAlertedMonth === state.countedMonth) return null;
  return state.retryAt;
}

/**
 * What the payment gateway answered for a recharge: a definitive success, a decline by the
 * card's bank, or a definitive failure of the provider. (An unknown outcome — a timeout, a lost
 * connection — is not an answer: the recharge stays pending and is asked again with the same key.)
 */
export type RechargeOutcome = { status: 'succeeded'; paymentId: string } | { status: 'declined' | 'failed'; code: string; message: string };
