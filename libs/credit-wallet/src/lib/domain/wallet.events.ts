import { Money } from '@comms-credits/contracts';
import { DomainEvent } from '@comms-credits/domain-kit';
import { RechargeReason } from './auto-recharge';
import { AppliedRate } from './rate-card';

/** A lot's part of a charge or expiry. */
export interface LotDraw {
  lotId: string;
  amount: Money;
}

export type ChargeKind = 'call' | 'pool-overflow';

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
  | DomainEvent<'CallAdmitted', { callId: string; funding: 'credits' | 'free'; maxDurationSeconds: number | null; decidedBy: 'credit-wallet' }>
  | DomainEvent<'CallRejected', { callId: string; reason: string; decidedBy: 'credit-wallet'; details: Record<string, unknown> }>
  | DomainEvent<
      'HoldPlaced',
      { callId: string; amount: Money; grantedMinutes: number; maxDurationSeconds: number; rate: AppliedRate; causationEventId: string }
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
      }
    >
  | DomainEvent<
      'OverflowUnbilled',
      { callId: string; reason: string; destinationCountry: string; uncoveredMinutes: number; causationEventId: string }
    >
  | DomainEvent<'PaymentMethodSet', { token: string; tokenHint: string }>
  | DomainEvent<'AutoRechargeConfigured', { enabled: boolean; triggerAmount: Money | null; rechargeAmount: Money | null }>
  | DomainEvent<
      'AutoRechargeRequested',
      { rechargeId: string; amount: Money; triggerAmount: Money; balance: Money; reason: RechargeReason; attempt: number }
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
  | DomainEvent<'BalanceReachedZero', { cause: string; callId: string | null }>
  | DomainEvent<'WalletBalanceChanged', { balance: Money; available: Money; billingSetUp: boolean; cause: string }>;

export type WalletEventType = WalletEvent['type'];
export type WalletEventData<T extends WalletEventType> = Extract<WalletEvent, { type: T }>['data'];
