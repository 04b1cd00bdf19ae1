import {
  AutoRechargeAlertV1,
  AutoRechargeCapReachedV1,
  AutoRechargeFailedV1,
  AutoRechargeRequestedV1,
  AutoRechargeSucceededV1,
  BalanceReachedZeroV1,
  CallAdmittedV1,
  CallChargedV1,
  CallRejectedV1,
  CallSettledLateV1,
  CallSettlementMissingV1,
  ChargeKind,
  Envelope,
  FundsAddedV1,
  LotExpiredV1,
  Money,
  OverflowUnbilledV1,
  OwedSettledV1,
  SettlementExceededGrantV1,
  WalletBalanceChangedV1,
} from '@comms-credits/contracts';
import { DomainEvent } from '@comms-credits/domain-kit';
import { AppliedRate } from './rate-card';

/** A lot's part of a charge or expiry. */
export interface LotDraw {
  lotId: string;
  amount: Money;
}

/**
 * What a charge is for (the contract's): a call funded by credits from its start (`call`,
 * connection fee included), the credits part of a pool call that continued on credits
 * (`pool-continuation`, per minute, no fee), or pool minutes the pool could not debit after all
 * (`pool-overflow`).
 */
export type { ChargeKind };

/**
 * The events of a tenant's wallet (stream `wallet:<tenant>`). Their fields are documented in
 * docs/credit-wallet.md. The data of every event the wallet publishes with a contract is the
 * contract's (without its envelope), narrowed or extended by what the wallet adds, so a change
 * of the contract fails to compile here.
 */
export type WalletEvent =
  | DomainEvent<'FundsAdded', Omit<FundsAddedV1, keyof Envelope>>
  | DomainEvent<'LotExpired', Omit<LotExpiredV1, keyof Envelope>>
  /** `split`: a pool call that continues on credits (design.md); absent otherwise. */
  | DomainEvent<'CallAdmitted', Omit<CallAdmittedV1, keyof Envelope> & { funding: 'credits' | 'free' | 'pool'; decidedBy: 'credit-wallet' }>
  | DomainEvent<'CallRejected', Omit<CallRejectedV1, keyof Envelope> & { decidedBy: 'credit-wallet'; details: Record<string, unknown> }>
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
      /**
       * The contract's `durationSeconds` (0 for a pool overflow, which is billed by minutes),
       * `billedMinutes` (the duration rounded up per the increments, or the pool's uncovered
       * minutes), `cost` (the price, rounded once), `amount` (what the lots covered),
       * `poolMinutes` (a continuation: what the pool debits, not charged here) and `owedAfter`
       * (absent before v2); and the wallet's own:
       */
      Omit<CallChargedV1, keyof Envelope> & {
        causationEventId: string;
        /** Seconds past the granted maximum, not billed (telephony should have cut the call). */
        unbilledSeconds: number;
        rate: AppliedRate;
        /** What the lots could not cover: owed. */
        shortfall: Money;
        lots: LotDraw[];
        balanceAfter: Money;
      }
    >
  /** New funds paid what the wallet owed, from the lot they added (first, before anything else). */
  | DomainEvent<'OwedSettled', Omit<OwedSettledV1, keyof Envelope> & { lotId: string }>
  /** Anomaly: telephony reported more seconds than the call was granted; settled at the grant, the excess never charged. */
  | DomainEvent<'SettlementExceededGrant', Omit<SettlementExceededGrantV1, keyof Envelope>>
  /** Anomaly: no CallEnded by grant + grace; the hold is released and the call waits for a late end. */
  | DomainEvent<'CallSettlementMissing', Omit<CallSettlementMissingV1, keyof Envelope>>
  /** The CallEnded of a call marked missing its settlement came after all: settled now, without a hold. */
  | DomainEvent<'CallSettledLate', Omit<CallSettledLateV1, keyof Envelope>>
  | DomainEvent<'OverflowUnbilled', Omit<OverflowUnbilledV1, keyof Envelope>>
  | DomainEvent<'PaymentMethodSet', { token: string; tokenHint: string }>
  | DomainEvent<'AutoRechargeConfigured', { enabled: boolean; triggerAmount: Money | null; rechargeAmount: Money | null; maxRechargesPerMonth?: number | null }>
  | DomainEvent<'AutoRechargeRequested', Omit<AutoRechargeRequestedV1, keyof Envelope>>
  | DomainEvent<'AutoRechargeSucceeded', Omit<AutoRechargeSucceededV1, keyof Envelope>>
  | DomainEvent<'AutoRechargeFailed', Omit<AutoRechargeFailedV1, keyof Envelope> & { backoffMs: number }>
  | DomainEvent<'AutoRechargeAlert', Omit<AutoRechargeAlertV1, keyof Envelope>>
  /** Alert: the monthly cap of recharges is reached; no more recharges this month (once per month). */
  | DomainEvent<'AutoRechargeCapReached', Omit<AutoRechargeCapReachedV1, keyof Envelope> & { available: Money; triggerAmount: Money }>
  | DomainEvent<'BalanceReachedZero', Omit<BalanceReachedZeroV1, keyof Envelope>>
  | DomainEvent<'WalletBalanceChanged', Omit<WalletBalanceChangedV1, keyof Envelope>>;

export type WalletEventType = WalletEvent['type'];
export type WalletEventData<T extends WalletEventType> = Extract<WalletEvent, { type: T }>['data'];
