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
});

/** Why a recharge is asked for now. */
export type RechargeReason = 'crossed-trigger' | 'configured-below-trigger' | 'retry-after-decline';

/** Exponential back-off after the n-th decline in a row: base × 2^(n−1), capped. */
export function backoffMs(failures: number, policy: RechargePolicy): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.backoffBaseMs * 2 ** exponent, policy.backoffMaxMs);
}

/** Set up, below the trigger, nothing in flight and not backing off: a recharge may start. */
function mayRecharge(state: AutoRechargeState, balance: Minor, now: string): boolean {
  if (!state.enabled || state.token === null || state.trigger === null || state.amount === null) return false;
  if (state.pending !== null || balance >= state.trigger) return false;
  return state.retryAt === null || Date.parse(state.retryAt) <= Date.parse(now);
}

/**
 * Whether a command that moved the balance from `before` to `after` starts a recharge. It
 * fires when the balance crosses below the trigger (once: a second charge below the trigger
 * finds the first recharge pending, or the balance already below), when auto-recharge is
 * (re)configured or given a new payment method while below it, and when the back-off after a
 * decline has run out. It never fires while a recharge is pending. A recharge that succeeds
 * but leaves the balance below the trigger does not fire again until the next crossing: a too
 * small recharge amount never loops on the card.
 */
export function rechargeReason(
  state: AutoRechargeState,
  before: Minor,
  after: Minor,
  now: string,
  configured: boolean,
): RechargeReason | null {
  if (!mayRecharge(state, after, now)) return null;
  if (configured) return 'configured-below-trigger';
  if (state.failures > 0) return 'retry-after-decline';
  return before >= state.trigger! ? 'crossed-trigger' : null;
}

/**
 * What the payment gateway answered for a recharge: a definitive success, a decline by the
 * card's bank, or a definitive failure of the provider. (An unknown outcome — a timeout, a lost
 * connection — is not an answer: the recharge stays pending and is asked again with the same key.)
 */
export type RechargeOutcome =
  | { status: 'succeeded'; paymentId: string }
  | { status: 'declined' | 'failed'; code: string; message: string };
