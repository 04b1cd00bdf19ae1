import { Type } from 'class-transformer';
import { Equals, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Min, ValidateNested } from 'class-validator';
import { E164 } from './calls';
import { EventEnvelope, UTC_INSTANT } from './envelope';
import { ISO_COUNTRY } from './licensing';
import { CURRENCIES, Currency, DECIMAL_AMOUNT, MoneyV1 } from './money';
import { CallEntitledV1 } from './admission';
import { PoolUsageThresholdReachedV1, WalletBalanceChangedV1 } from './funding';
import { SchemaRegistry } from './schema-registry';

/**
 * Events the services already publish that only the reporting service reads (design.md,
 * "Reporting service"): the pool's and the wallet's settlement of each call, and the alerts a
 * tenant can receive as webhooks. Each class declares the fields a reader relies on; the
 * producers' documents (docs/credit-wallet.md, docs/architecture.md) have the rest.
 */

const ID = /^[^\s]{1,128}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The pool settled a call it funded (on `pool-ledger.events`): whole minutes, the pool's part, what it handed on. */
export class PoolCallSettledV1 extends EventEnvelope {
  @Equals('PoolCallSettled') override type!: 'PoolCallSettled';
  @Equals(1) override version!: 1;
  @Matches(ID) callId!: string;
  /** The month (UTC) the call started in: the pool month it is debited from. */
  @Matches(MONTH) month!: string;
  @IsInt() @Min(0) durationSeconds!: number;
  /** Whole minutes of the call (its billable seconds, capped at the grant, rounded up). */
  @IsInt() @Min(0) minutes!: number;
  /** Minutes debited from the pool. */
  @IsInt() @Min(0) poolMinutes!: number;
  /** Minutes the month could not cover, handed to the wallet (`PoolOverflowHandedToWallet`). */
  @IsInt() @Min(0) uncoveredMinutes!: number;
}

/** A pool call's end did not come by its grant + grace: its reservation was released (on `pool-ledger.events`). */
export class PoolSettlementMissingV1 extends EventEnvelope {
  @Equals('PoolSettlementMissing') override type!: 'PoolSettlementMissing';
  @Equals(1) override version!: 1;
  @Matches(ID) callId!: string;
  @Matches(MONTH) month!: string;
  @IsInt() @Min(0) reservedMinutes!: number;
  @Matches(UTC_INSTANT) dueBy!: string;
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
  @Matches(ID) callId!: string;
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
  @Matches(MONTH) month!: string;
  @IsInt() @Min(1) maxRechargesPerMonth!: number;
}

/**
 * The pool's month after a reservation, a debit or an expired reservation (on
 * `pool-ledger.events` since the reporting service's tenant directory): the month's used and
 * reserved minutes and, on reservations and debits, the capacity it was decided with.
 */
export class PoolMonthChangedV1 extends EventEnvelope {
  @IsIn(['PoolMinutesReserved', 'PoolMinutesDebited', 'PoolReservationExpired']) override type!:
    'PoolMinutesReserved' | 'PoolMinutesDebited' | 'PoolReservationExpired';
  @Equals(1) override version!: 1;
  @Matches(MONTH) month!: string;
  @Matches(ID) callId!: string;
  @IsInt() @Min(0) usedMinutes!: number;
  /** Reserved minutes of the month after the event (absent on debits recorded before v2). */
  @IsOptional() @IsInt() @Min(0) reservedMinutes?: number;
  @IsOptional() @IsInt() @Min(0) capacityMinutes?: number;
}

/** Any other event a service publishes, read by the reporting service only for the tenant it names. */
export class TenantActivityV1 extends EventEnvelope {}

const ACTIVITY = {
  licensing: ['UserUpserted', 'SubscriptionSeatsChanged', 'LicenseAssigned', 'LicenseUnassigned'],
  pool: ['CallHandedToWallet', 'PoolOverflowHandedToWallet'],
  wallet: ['FundsAdded', 'LotExpired', 'AutoRechargeRequested'],
  tollFree: ['TollFreeNumberAcquired', 'TollFreeNumberAssigned', 'TollFreeNumberReleased', 'TollFreeCallRouted'],
};
const activity = (registry: SchemaRegistry, types: readonly string[]) =>
  types.reduce((r, type) => r.register({ type, schema: TenantActivityV1, latestVersion: 1 }), registry);

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
  @IsOptional() @Matches(ID) callId!: string | null;
}

/** A credits hold whose CallEnded did not come by grant + grace was released (on `credit-wallet.events`). */
export class CallSettlementMissingV1 extends EventEnvelope {
  @Equals('CallSettlementMissing') override type!: 'CallSettlementMissing';
  @Equals(1) override version!: 1;
  @Matches(ID) callId!: string;
  @IsInt() @Min(0) grantedSeconds!: number;
  @ValidateNested() @Type(() => MoneyV1) heldAmount!: MoneyV1;
  @Matches(UTC_INSTANT) dueBy!: string;
}

/** The tenant's toll-free numbers were suspended (balance at zero) or resumed (on `toll-free.events`). */
export class TollFreeNumbersSuspendedV1 extends EventEnvelope {
  @Equals('TollFreeNumbersSuspended') override type!: 'TollFreeNumbersSuspended';
  @Equals(1) override version!: 1;
  @IsArray() @Matches(E164, { each: true }) numbers!: string[];
  @ValidateNested() @Type(() => MoneyV1) balance!: MoneyV1;
}

export class TollFreeNumbersResumedV1 extends EventEnvelope {
  @Equals('TollFreeNumbersResumed') override type!: 'TollFreeNumbersResumed';
  @Equals(1) override version!: 1;
  @IsArray() @Matches(E164, { each: true }) numbers!: string[];
  @ValidateNested() @Type(() => MoneyV1) balance!: MoneyV1;
}

/** What the reporting service reads of `pool-ledger.events`. */
export function poolLedgerReportSchemas(): SchemaRegistry {
  const registry = new SchemaRegistry({ ignoreUnknownTypes: true });
  for (const type of ['PoolMinutesReserved', 'PoolMinutesDebited', 'PoolReservationExpired'])
    registry.register({ type, schema: PoolMonthChangedV1, latestVersion: 1 });
  return activity(registry, ACTIVITY.pool)
    .register({ type: 'PoolCallSettled', schema: PoolCallSettledV1, latestVersion: 1 })
    .register({ type: 'PoolSettlementMissing', schema: PoolSettlementMissingV1, latestVersion: 1 })
    .register({ type: 'PoolUsageThresholdReached', schema: PoolUsageThresholdReachedV1, latestVersion: 1 });
}

/** What the reporting service reads of `credit-wallet.events`. */
export function creditWalletReportSchemas(): SchemaRegistry {
  return activity(new SchemaRegistry({ ignoreUnknownTypes: true }), ACTIVITY.wallet)
    .register({ type: 'WalletBalanceChanged', schema: WalletBalanceChangedV1, latestVersion: 1 })
    .register({ type: 'OwedSettled', schema: OwedSettledV1, latestVersion: 1 })
    .register({ type: 'AutoRechargeCapReached', schema: AutoRechargeCapReachedV1, latestVersion: 1 })
    .register({ type: 'CallCharged', schema: CallChargedV1, latestVersion: 1 })
    .register({ type: 'AutoRechargeSucceeded', schema: AutoRechargeSucceededV1, latestVersion: 1 })
    .register({ type: 'AutoRechargeFailed', schema: AutoRechargeFailedV1, latestVersion: 1 })
    .register({ type: 'BalanceReachedZero', schema: BalanceReachedZeroV1, latestVersion: 1 })
    .register({ type: 'CallSettlementMissing', schema: CallSettlementMissingV1, latestVersion: 1 });
}

/** What the reporting service reads of `toll-free.events`. */
export function tollFreeReportSchemas(): SchemaRegistry {
  return activity(new SchemaRegistry({ ignoreUnknownTypes: true }), ACTIVITY.tollFree)
    .register({ type: 'TollFreeNumbersSuspended', schema: TollFreeNumbersSuspendedV1, latestVersion: 1 })
    .register({ type: 'TollFreeNumbersResumed', schema: TollFreeNumbersResumedV1, latestVersion: 1 });
}

/** What the reporting service reads of `licensing.events`: the capability of calls that need funding; the rest for the tenant directory. */
export function licensingReportSchemas(): SchemaRegistry {
  return activity(new SchemaRegistry({ ignoreUnknownTypes: true }), ACTIVITY.licensing).register({
    type: 'CallEntitled',
    schema: CallEntitledV1,
    latestVersion: 1,
  });
}

export type PoolCallSettled = Omit<PoolCallSettledV1, never>;
export type CallCharged = Omit<CallChargedV1, never>;
