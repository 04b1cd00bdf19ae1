import { Type } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsInt, IsOptional, Matches, Min, ValidateNested } from 'class-validator';
import { OutboundCallFacts } from './admission';
import { E164 } from './calls';
import { EventEnvelope, UTC_INSTANT } from './envelope';
import { CAPABILITIES, Capability, ISO_COUNTRY } from './licensing';
import { MoneyV1 } from './money';

const ID = /^[^\s]{1,128}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Stage 3 could not fund the call from the pool (on `pool-ledger.events`): the wallet stage
 * funds it from credits or rejects it. `reason` says why the pool did not.
 */
export class CallHandedToWalletV1 extends OutboundCallFacts {
  @Equals('CallHandedToWallet') override type!: 'CallHandedToWallet';
  @Equals(1) override version!: 1;
  @IsIn(['NOT_POOL_ELIGIBLE', 'POOL_EXHAUSTED']) reason!: 'NOT_POOL_ELIGIBLE' | 'POOL_EXHAUSTED';
  @IsBoolean() creditsLicensed!: boolean;
  @IsIn(Object.values(CAPABILITIES)) capability!: Capability;
}

/**
 * A pool-funded call outlasted the pool (on `pool-ledger.events`): the pool debited what it
 * could, and the wallet charges exactly `uncoveredMinutes` at the destination's rate.
 */
export class PoolOverflowHandedToWalletV1 extends EventEnvelope {
  @Equals('PoolOverflowHandedToWallet') override type!: 'PoolOverflowHandedToWallet';
  @Equals(1) override version!: 1;
  @Matches(ID) callId!: string;
  @Matches(ID) userId!: string;
  @Matches(ISO_COUNTRY) destinationCountry!: string;
  @Matches(MONTH) month!: string;
  @IsInt() @Min(0) durationSeconds!: number;
  @IsInt() @Min(0) poolMinutes!: number;
  @IsInt() @Min(1) uncoveredMinutes!: number;
  @IsBoolean() creditsLicensed!: boolean;
}

/** A month's pool usage crossed 80 % or 100 % of its capacity (once per month each). */
export class PoolUsageThresholdReachedV1 extends EventEnvelope {
  @Equals('PoolUsageThresholdReached') override type!: 'PoolUsageThresholdReached';
  @Equals(1) override version!: 1;
  @Matches(MONTH) month!: string;
  @IsIn([80, 100]) thresholdPercent!: 80 | 100;
  @IsInt() @Min(0) usedMinutes!: number;
  @IsInt() @Min(0) capacityMinutes!: number;
}

/**
 * An inbound call to one of the tenant's active toll-free numbers (on `toll-free.events`): the
 * wallet funds its minutes at the toll-free rate of the number's country, or rejects it.
 */
export class TollFreeCallRoutedV1 extends EventEnvelope {
  @Equals('TollFreeCallRouted') override type!: 'TollFreeCallRouted';
  @Equals(1) override version!: 1;
  @Matches(ID) callId!: string;
  @IsIn(['conf_in', 'user_in', 'ucap_in']) callType!: 'conf_in' | 'user_in' | 'ucap_in';
  @IsOptional() @Matches(ID) userId?: string;
  @Matches(E164) from!: string;
  /** The toll-free number called. */
  @Matches(E164) to!: string;
  @Matches(ISO_COUNTRY) numberCountry!: string;
  @Matches(UTC_INSTANT) startedAt!: string;
}

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

/** The month (UTC, `YYYY-MM`) an instant falls in. */
export function monthOf(instant: string | Date): string {
  const iso = typeof instant === 'string' ? new Date(instant).toISOString() : instant.toISOString();
  return iso.slice(0, 7);
}

