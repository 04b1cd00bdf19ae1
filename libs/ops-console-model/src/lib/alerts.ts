import { Money, compareDecimals, formatMoney, isZero } from './money';
import { PoolFigures, perMille } from './percent';

export type AlertLevel = 'red' | 'yellow' | 'blue';

export interface Alert {
  code: string;
  level: AlertLevel;
  text: string;
}

export interface WalletFigures {
  billingSetUp: boolean;
  balance: Money;
  owed?: Money;
  available: Money;
  autoRecharge: {
    enabled: boolean;
    triggerAmount: Money | null;
    paymentMethod: { tokenHint: string } | null;
    pending: boolean;
    consecutiveFailures: number;
    retryAt: string | null;
    maxRechargesPerMonth?: number | null;
    rechargesThisMonth?: number;
  };
}

export interface TollFreeFigures {
  number: string;
  status: 'active' | 'suspended';
}

/**
 * What needs an admin's attention, from what the APIs say now (the same conditions that raise
 * the services' alert events: the pool at 80 % and 100 %, recharges failing or capped, a zero
 * balance, money owed, suspended toll-free numbers). Most urgent first.
 */
export function alertsOf(facts: { pool?: PoolFigures | null; wallet?: WalletFigures | null; tollFree?: readonly TollFreeFigures[] | null }): Alert[] {
  const alerts: Alert[] = [];
  const { pool, wallet, tollFree } = facts;
  if (pool) {
    const pm = perMille(pool.usedMinutes, pool.capacityMinutes);
    if (pm !== null && pm >= 1000)
      alerts.push({
        code: 'POOL_100',
        level: 'red',
        text: `The ${pool.month} dial-out pool is used up (${pool.usedMinutes} of ${pool.capacityMinutes} minutes): dial-out is billed to credits.`,
      });
    else if (pm !== null && pm >= 800)
      alerts.push({
        code: 'POOL_80',
        level: 'yellow',
        text: `80 % of the ${pool.month} dial-out pool is used (${pool.usedMinutes} of ${pool.capacityMinutes} minutes).`,
      });
  }
  if (wallet) {
    if (wallet.billingSetUp && isZero(wallet.balance.amount))
      alerts.push({ code: 'BALANCE_ZERO', level: 'red', text: 'The wallet balance is zero: calls billed to credits and toll-free numbers stop.' });
    if (wallet.owed && compareDecimals(wallet.owed.amount, '0') > 0)
      alerts.push({ code: 'OWED', level: 'red', text: `The wallet owes ${formatMoney(wallet.owed)}: the next funds pay it first.` });
    const ar = wallet.autoRecharge;
    if (ar.consecutiveFailures > 0)
      alerts.push({
        code: 'RECHARGE_FAILED',
        level: 'red',
        text: `Auto-recharge failed ${ar.consecutiveFailures} time${ar.consecutiveFailures === 1 ? '' : 's'} in a row${ar.retryAt ? `; next attempt after ${ar.retryAt}` : ''}.`,
      });
    if (ar.enabled && ar.maxRechargesPerMonth != null && (ar.rechargesThisMonth ?? 0) >= ar.maxRechargesPerMonth)
      alerts.push({ code: 'RECHARGE_CAP', level: 'yellow', text: `The monthly cap of ${ar.maxRechargesPerMonth} recharges is reached.` });
    if (ar.enabled && !ar.paymentMethod) alerts.push({ code: 'NO_PAYMENT_METHOD', level: 'yellow', text: 'Auto-recharge is on but no payment method is set.' });
    if (!wallet.billingSetUp) alerts.push({ code: 'BILLING_NOT_SET_UP', level: 'blue', text: 'Billing is not set up: the wallet was never funded.' });
  }
  const suspended = (tollFree ?? []).filter((n) => n.status === 'suspended');
  if (suspended.length > 0)
    alerts.push({
      code: 'TOLL_FREE_SUSPENDED',
      level: 'red',
      text: `${suspended.length} toll-free number${suspended.length === 1 ? ' is' : 's are'} suspended: ${suspended.map((n) => n.number).join(', ')}.`,
    });
  const rank: Record<AlertLevel, number> = { red: 0, yellow: 1, blue: 2 };
  return alerts.sort((a, b) => rank[a.level] - rank[b.level]);
}
