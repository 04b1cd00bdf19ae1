import { Currency } from '@comms-credits/contracts';
import { AutoRechargeState } from './auto-recharge';
import { AppliedRate } from './rate-card';
import { OpenHold, WalletCall, WalletState, emptyWallet } from './wallet.decider';

/**
 * The decider's state as JSON (bigints as decimal strings), as the snapshot rows keep it: the
 * tenant's part (`WalletSnapshot`, one row per tenant) and each call's (`CallSnapshot`, one row
 * per call). Only a codec: what the state IS comes from folding `evolveWallet`, nowhere else.
 */
export interface WalletSnapshot {
  currency: Currency | null;
  billingSetUp: boolean;
  lots: { lotId: string; remaining: string; purchasedAt: string; expiresAt: string }[];
  holds: Record<string, { amount: string; grantedSeconds: number; dueBy: string | null }>;
  owed: string;
  autoRecharge: Omit<AutoRechargeState, 'trigger' | 'amount' | 'pending'> & {
    trigger: string | null;
    amount: string | null;
    pending: { rechargeId: string; amount: string } | null;
  };
}

export interface CallSnapshot {
  status: WalletCall['status'];
  funding: WalletCall['funding'];
  hold: string;
  maxDurationSeconds: number | null;
  poolSeconds: number | null;
  rate: AppliedRate | null;
  overflow: WalletCall['overflow'];
}

const text = (value: bigint | null) => (value === null ? null : value.toString());
const big = (value: string | null) => (value === null ? null : BigInt(value));

export function encodeWallet(state: WalletState): WalletSnapshot {
  const { autoRecharge: r } = state;
  return {
    currency: state.currency,
    billingSetUp: state.billingSetUp,
    lots: state.lots.map((lot) => ({ ...lot, remaining: lot.remaining.toString() })),
    holds: Object.fromEntries(Object.entries(state.holds).map(([callId, hold]) => [callId, { ...hold, amount: hold.amount.toString() }])),
    owed: state.owed.toString(),
    autoRecharge: { ...r, trigger: text(r.trigger), amount: text(r.amount), pending: r.pending && { ...r.pending, amount: r.pending.amount.toString() } },
  };
}

/** A tenant's wallet from its snapshot; a tenant without one has an empty wallet. */
export function decodeWallet(tenantId: string, snapshot: WalletSnapshot | null): WalletState {
  const empty = emptyWallet(tenantId);
  if (!snapshot) return empty;
  const r = snapshot.autoRecharge;
  const holds: Record<string, OpenHold> = Object.fromEntries(
    Object.entries(snapshot.holds).map(([callId, hold]) => [callId, { ...hold, amount: BigInt(hold.amount) }]),
  );
  return {
    ...empty,
    currency: snapshot.currency,
    billingSetUp: snapshot.billingSetUp,
    lots: snapshot.lots.map((lot) => ({ ...lot, remaining: BigInt(lot.remaining) })),
    holds,
    owed: BigInt(snapshot.owed),
    autoRecharge: {
      ...empty.autoRecharge,
      ...r,
      trigger: big(r.trigger),
      amount: big(r.amount),
      pending: r.pending && { ...r.pending, amount: BigInt(r.pending.amount) },
    },
  };
}

export function encodeCall(call: WalletCall): CallSnapshot {
  return { ...call, hold: call.hold.toString() };
}

export function decodeCall(snapshot: CallSnapshot): WalletCall {
  return { ...snapshot, hold: BigInt(snapshot.hold) };
}
