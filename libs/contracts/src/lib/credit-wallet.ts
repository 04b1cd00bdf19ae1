import { Type } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { EventEnvelope } from './envelope';
import { CURRENCIES, Currency, DECIMAL_AMOUNT, MoneyV1 } from './money';
import { ISO_COUNTRY, OPAQUE_ID, UTC_INSTANT, YEAR_MONTH } from './patterns';
import { SchemaRegistry } from './schema-registry';

/**
 * What the credit wallet publishes (`credit-wallet.events`; docs/credit-wallet.md has the rest):
 * the balance, each call's charge, and the money alerts a tenant can receive as webhooks. Each
 * class declares the fields a reader relies on.
 */

/** The wallet's balance after any change (on `credit-wallet.events`), for services that gate on it. */
export class WalletBalanceChangedV1 extends EventEnvelope {
  @Equals('WalletBalanceChanged') override type!: 'WalletBalanceChanged';
  @Equals(1) override version!: 1;
  @ValidateNested() @Type(() => MoneyV1) balance!: MoneyV1;
  @ValidateNested() @Type(() => MoneyV1) available!: MoneyV1;
  /** Billing is set up: the tenant has funded the wallet at least once (domain.md decision). */
  @IsBoolean() billingSetUp!: boolean;
  /** What changed it: `FundsAdded`, `CallCharged`, `LotExpired`, … */
  @Matches(/^[A-Z][A-Za-z]+$/) cause!: string;
}

/** The rate a charge used, as the wallet applied it. */
export class AppliedRateV1 {
  @IsIn(['dial-out', 'toll-free-inbound']) kind!: 'dial-out' | 'toll-free-inbound';
  @Matches(ISO_COUNTRY) country!: string;
  @Matches(DECIMAL_AMOUNT) perMinute!: string;
  @Matches(DECIMAL_AMOUNT) connectionFee!: string;
  @IsIn(CURRENCIES) currency!: Currency;
  @IsString() rateCardVersion!: string;
}

export const CHARGE_KINDS = ['call', 'pool-continuation', 'pool-overflow'] as const;
export type ChargeKind = (typeof CHARGE_KINDS)[number];

/**
 * The wallet charged a call (on `credit-wallet.events`): `kind` `call` (credits from its start,
 * connection fee included), `pool-continuation` (the minutes beyond the pool's part, no fee) or
 * `pool-overflow` (pool minutes the pool could no longer debit, no fee). `cost` is the price,
 * rounded once per charge; `amount` what the funding lots covered, the rest is owed.
 */
export class CallChargedV1 extends EventEnvelope {
  @Equals('CallCharged') override type!: 'CallCharged';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @IsIn(CHARGE_KINDS) kind!: ChargeKind;
  @IsInt() @Min(0) durationSeconds!: number;
  @Matches(/^\d{1,9}(\.\d{1,6})?$/) billedMinutes!: string;
  @ValidateNested() @Type(() => AppliedRateV1) rate!: AppliedRateV1;
  @ValidateNested() @Type(() => MoneyV1) cost!: MoneyV1;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  /** A continuation: the pool minutes of the call (not charged here). */
  @IsOptional() @IsInt() @Min(0) poolMinutes?: number;
  /** What the wallet owes after this charge (absent before v2 of the contract). */
  @IsOptional() @ValidateNested() @Type(() => MoneyV1) owedAfter?: MoneyV1;
}

/** New funds paid what the wallet owed (on `credit-wallet.events`). */
export class OwedSettledV1 extends EventEnvelope {
  @Equals('OwedSettled') override type!: 'OwedSettled';
  @Equals(1) override version!: 1;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  @ValidateNested() @Type(() => MoneyV1) owedAfter!: MoneyV1;
  @ValidateNested() @Type(() => MoneyV1) balanceAfter!: MoneyV1;
}

/** The monthly cap of auto-recharges is reached (on `credit-wallet.events`, once a month). */
export class AutoRechargeCapReachedV1 extends EventEnvelope {
  @Equals('AutoRechargeCapReached') override type!: 'AutoRechargeCapReached';
  @Equals(1) override version!: 1;
  @Matches(YEAR_MONTH) month!: string;
  @IsInt() @Min(1) maxRechargesPerMonth!: number;
}

/** An auto-recharge charged the card and added a lot (on `credit-wallet.events`). */
export class AutoRechargeSucceededV1 extends EventEnvelope {
  @Equals('AutoRechargeSucceeded') override type!: 'AutoRechargeSucceeded';
  @Equals(1) override version!: 1;
  @IsString() rechargeId!: string;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  @IsString() paymentId!: string;
  @IsString() lotId!: string;
}

/** An auto-recharge was declined or failed (on `credit-wallet.events`); it is retried after `retryAt`. */
export class AutoRechargeFailedV1 extends EventEnvelope {
  @Equals('AutoRechargeFailed') override type!: 'AutoRechargeFailed';
  @Equals(1) override version!: 1;
  @IsString() rechargeId!: string;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  @IsIn(['declined', 'failed']) outcome!: 'declined' | 'failed';
  @IsString() code!: string;
  @IsString() message!: string;
  @IsInt() @Min(1) consecutiveFailures!: number;
  @Matches(UTC_INSTANT) retryAt!: string;
}

/** The wallet's balance reached zero (on `credit-wallet.events`). */
export class BalanceReachedZeroV1 extends EventEnvelope {
  @Equals('BalanceReachedZero') override type!: 'BalanceReachedZero';
  @Equals(1) override version!: 1;
  @IsString() cause!: string;
  @IsOptional() @Matches(OPAQUE_ID) callId!: string | null;
}

/** A credits hold whose CallEnded did not come by grant + grace was released (on `credit-wallet.events`). */
export class CallSettlementMissingV1 extends EventEnvelope {
  @Equals('CallSettlementMissing') override type!: 'CallSettlementMissing';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @IsInt() @Min(0) grantedSeconds!: number;
  @ValidateNested() @Type(() => MoneyV1) heldAmount!: MoneyV1;
  @Matches(UTC_INSTANT) dueBy!: string;
}

/** An `Idempotency-Key` as the wallet's funding endpoint accepts it: 1-255 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * A lot was added (on `credit-wallet.events`): funds paid in (`source` `funds`, with the
 * request's `idempotencyKey`) or an auto-recharge (`auto-recharge`, with its `rechargeId`).
 * The lot expires at `expiresAt`; `balanceAfter` is the balance with it.
 */
export class FundsAddedV1 extends EventEnvelope {
  @Equals('FundsAdded') override type!: 'FundsAdded';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) lotId!: string;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  @IsIn(['funds', 'auto-recharge']) source!: 'funds' | 'auto-recharge';
  /** null on an auto-recharge's lot. */
  @ValidateIf((e: FundsAddedV1) => e.idempotencyKey !== null) @Matches(IDEMPOTENCY_KEY) idempotencyKey!: string | null;
  /** null on funds paid in. */
  @ValidateIf((e: FundsAddedV1) => e.rechargeId !== null) @Matches(OPAQUE_ID) rechargeId!: string | null;
  @Matches(UTC_INSTANT) purchasedAt!: string;
  @Matches(UTC_INSTANT) expiresAt!: string;
  @ValidateNested() @Type(() => MoneyV1) balanceAfter!: MoneyV1;
}

/** A lot reached its expiry with money left (on `credit-wallet.events`): `amount` is forfeited. */
export class LotExpiredV1 extends EventEnvelope {
  @Equals('LotExpired') override type!: 'LotExpired';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) lotId!: string;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  @Matches(UTC_INSTANT) purchasedAt!: string;
  @Matches(UTC_INSTANT) expiredAt!: string;
  @ValidateNested() @Type(() => MoneyV1) balanceAfter!: MoneyV1;
}

/**
 * Pool minutes handed to the wallet that it could not bill (on `credit-wallet.events`): `reason`
 * is a stable code (no credits licence, billing not set up, no rate for the destination).
 */
export class OverflowUnbilledV1 extends EventEnvelope {
  @Equals('OverflowUnbilled') override type!: 'OverflowUnbilled';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @Matches(/^[A-Z][A-Z0-9_]*$/) reason!: string;
  @Matches(ISO_COUNTRY) destinationCountry!: string;
  @IsInt() @Min(1) uncoveredMinutes!: number;
  /** The `PoolOverflowHandedToWallet` it answers. */
  @Matches(OPAQUE_ID) causationEventId!: string;
}

/**
 * Why the wallet asked for a recharge: money it can spend fell below the trigger (`crossed-trigger`),
 * more was spent while below it (`below-trigger`), the settings or the payment method changed while
 * below it (`configured-below-trigger`), or a declined recharge's back-off ran out.
 */
export const AUTO_RECHARGE_REASONS = ['crossed-trigger', 'below-trigger', 'configured-below-trigger', 'retry-after-decline'] as const;
export type AutoRechargeReason = (typeof AUTO_RECHARGE_REASONS)[number];

/** The wallet asked the payment gateway for an auto-recharge (on `credit-wallet.events`); `attempt` counts from 1. */
export class AutoRechargeRequestedV1 extends EventEnvelope {
  @Equals('AutoRechargeRequested') override type!: 'AutoRechargeRequested';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) rechargeId!: string;
  @ValidateNested() @Type(() => MoneyV1) amount!: MoneyV1;
  @ValidateNested() @Type(() => MoneyV1) triggerAmount!: MoneyV1;
  @ValidateNested() @Type(() => MoneyV1) balance!: MoneyV1;
  /** What calls could still spend (absent on requests recorded before it was added). */
  @IsOptional() @ValidateNested() @Type(() => MoneyV1) available?: MoneyV1;
  @IsIn(AUTO_RECHARGE_REASONS) reason!: AutoRechargeReason;
  @IsInt() @Min(1) attempt!: number;
}

/** Auto-recharges were declined this many times in a row (on `credit-wallet.events`, at the configured count). */
export class AutoRechargeAlertV1 extends EventEnvelope {
  @Equals('AutoRechargeAlert') override type!: 'AutoRechargeAlert';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) rechargeId!: string;
  @IsInt() @Min(1) consecutiveFailures!: number;
  @IsString() code!: string;
  @IsString() message!: string;
}

/**
 * Anomaly (on `credit-wallet.events`): telephony reported more seconds than the wallet granted
 * the call; it was settled at the grant and the excess never charged.
 */
export class SettlementExceededGrantV1 extends EventEnvelope {
  @Equals('SettlementExceededGrant') override type!: 'SettlementExceededGrant';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @IsInt() @Min(0) reportedSeconds!: number;
  @IsInt() @Min(0) grantedSeconds!: number;
  @IsInt() @Min(1) excessSeconds!: number;
  /** The `CallEnded` that reported it. */
  @Matches(OPAQUE_ID) causationEventId!: string;
}

/** The `CallEnded` of a call whose hold was released as missing its settlement came after all (on `credit-wallet.events`): settled now. */
export class CallSettledLateV1 extends EventEnvelope {
  @Equals('CallSettledLate') override type!: 'CallSettledLate';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @IsInt() @Min(0) durationSeconds!: number;
  /** The late `CallEnded`. */
  @Matches(OPAQUE_ID) causationEventId!: string;
}

export type CallCharged = Omit<CallChargedV1, never>;

/** Schemas of `credit-wallet.events` that other services consume (toll-free: the balance, and the charges of the calls it routed). */
export function creditWalletSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'WalletBalanceChanged', schema: WalletBalanceChangedV1, latestVersion: 1 })
    .register({ type: 'CallCharged', schema: CallChargedV1, latestVersion: 1 });
}
