import { Money } from '@comms-credits/contracts';
import { DomainEvent } from '@comms-credits/domain-kit';
import { RechargeReason } from './auto-recharge';
import { AppliedRate } from './rate-card';

/** A lot's part of a charge or expiry. */
export interface LotDraw {
  lotId: string;
  amount: Money;
}

/**
 * What a charge is for: a call funded by credits from its start (`call`, connection fee
 * included), the credits part of a pool call that continued on credits (`pool-continuation`,
 * per minute, no fee), or pool minutes the pool could not debit after all (`pool-overflow`).
 */
export type ChargeKind = 'call' | 'pool-continuation' | 'pool-overflow';

/**
 * The events of a tenant's wallet (stream `wallet:<tenant>`). Their fields are documented in
 * docs/credit-wallet.md; `CallAdmitted`/`CallRejected` are the contract's decisions.
 */
export type WalletEvent =
  | DomainEvent<
      'FundsAdded',
      {
        lotId: string;
        amount: Money;
        source: 'funds' | 'auto-recharge';
        idempotencyKey: string | null;
        rechargeId: string | null;
        purchasedAt: string;
        expiresAt: string;
        balanceAfter: Money;
      }
    >
  | DomainEvent<'LotExpired', { lotId: string; amount: Money; purchasedAt: string; expiredAt: string; balanceAfter: Money }>
  | DomainEvent<
      'CallAdmitted',
      {
        callId: string;
        funding: 'credits' | 'free' | 'pool';
        maxDurationSeconds: number | null;
        decidedBy: 'credit-wallet';
        /** A pool call that continues on credits (design.md); absent otherwise. */
        split?: { poolSeconds: number; creditSeconds: number };
      }
    >
  | DomainEvent<'CallRejected', { callId: string; reason: string; decidedBy: 'credit-wallet'; details: Record<string, unknown> }>
  | DomainEvent<
      'HoldPlaced',
      {
        callId: string;
        amount: Money;
        /** Credit minutes held for: the whole call's, or the continuation's. */
        grantedMinutes: number;
        /** The call's whole grant (pool seconds + credit seconds for a continuation). */
        maxDurationSeconds: number;
        rate: AppliedRate;
        causationEventId: string;
        /** Released as missing its settlement if no CallEnded has come by then (absent on holds placed before v2). */
        dueBy?: string;
      }
    >
  | DomainEvent<'HoldReleased', { callId: string; amount: Money; charged: boolean; causationEventId: string }>
  | DomainEvent<
      'CallCharged',
      {
        callId: string;
        kind: ChargeKind;
        causationEventId: string;
        /** The call's duration (0 for a pool overflow, which is billed by minutes). */
        durationSeconds: number;
        /** Billed minutes: the duration rounded up per the increments, or the pool's uncovered minutes. */
        billedMinutes: string;
        /** Seconds past the granted maximum, not billed (telephony should have cut the call). */
        unbilledSeconds: number;
        rate: AppliedRate;
        /** The price, rounded once; `amount` is what the lots covered, `shortfall` the rest. */
        cost: Money;
        amount: Money;
        shortfall: Money;
        lots: LotDraw[];
        balanceAfter: Money;
        /** A continuation: the pool minutes the pool debits for the call (not charged here). */
        poolMinutes?: number;
        /** What the wallet owes after this charge (absent before v2). */
        owedAfter?: Money;
      }
    >
  /** New funds paid what the wallet owed, from the lot they added (first, before anything else). */
  | DomainEvent<'OwedSettled', { lotId: string; amount: Money; owedAfter: Money; balanceAfter: Money }>
  /** Anomaly: telephony reported more seconds than the call was granted; settled at the grant, the excess never charged. */
  | DomainEvent<'SettlementExceededGrant', { callId: string; reportedSeconds: number; grantedSeconds: number; excessSeconds: number; causationEventId: string }>
  /** Anomaly: no CallEnded by grant + grace; the hold is released and the call waits for a late end. */
  | DomainEvent<'CallSettlementMissing', { callId: string; grantedSeconds: number; heldAmount: Money; dueBy: string }>
  /** The CallEnded of a call marked missing its settlement came after all: settled now, without a hold. */
  | DomainEvent<'CallSettledLate', { callId: string; durationSeconds: number; causationEventId: string }>
  | DomainEvent<'OverflowUnbilled', { callId: string; reason: string; destinationCountry: string; uncoveredMinutes: number; causationEventId: string }>
  | DomainEvent<'PaymentMethodSet', { token: string; tokenHint: string }>
  | DomainEvent<'AutoRechargeConfigured', { enabled: boolean; triggerAmount: Money | null; rechargeAmount: Money | null; maxRechargesPerMonth?: number | null }>
  | DomainEvent<
      'AutoRechargeRequested',
      { rechargeId: string; amount: Money; triggerAmount: Money; balance: Money; available?: Money; reason: RechargeReason; attempt: number }
    >
  | DomainEvent<'AutoRechargeSucceeded', { rechargeId: string; amount: Money; paymentId: string; lotId: string }>
  | DomainEvent<
      'AutoRechargeFailed',
      {
        rechargeId: string;
        amount: Money;
        outcome: 'declined' | 'failed';
        code: string;
        message: string;
        consecutiveFailures: number;
        backoffMs: number;
        retryAt: string;
      }
    >
  | DomainEvent<'AutoRechargeAlert', { rechargeId: string; consecutiveFailures: number; code: string; message: string }>
  /** Alert: the monthly cap of recharges is reached; no more recharges this month (once per month). */
  | DomainEvent<'AutoRechargeCapReached', { month: string; maxRechargesPerMonth: number; available: Money; triggerAmount: Money }>
  | DomainEvent<'BalanceReachedZero', { cause: string; callId: string | null }>
  | DomainEvent<'WalletBalanceChanged', { balance: Money; available: Money; billingSetUp: boolean; cause: string }>;

export type WalletEventType = WalletEvent['type'];
export type WalletEventData<T extends WalletEventType> = Extract<WalletEvent, { type: T }>['data'];
