import { Type } from 'class-transformer';
import { Equals, IsBoolean, IsIn, IsInt, IsOptional, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { OutboundCallFacts } from './admission';
import { E164 } from './calls';
import { EventEnvelope, UTC_INSTANT } from './envelope';
import { CAPABILITIES, Capability, ISO_COUNTRY } from './licensing';
import { MoneyV1 } from './money';

const ID = /^[^\s]{1,128}$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export const HAND_OVER_REASONS = ['NOT_POOL_ELIGIBLE', 'POOL_EXHAUSTED', 'POOL_CONTINUATION'] as const;
export type HandOverReason = (typeof HAND_OVER_REASONS)[number];

/**
 * Stage 3 could not fund the call from the pool alone (on `pool-ledger.events`). `reason`:
 * - `NOT_POOL_ELIGIBLE` / `POOL_EXHAUSTED`: the pool funds none of it; the wallet funds it from
 *   credits (connection fee included) or rejects it.
 * - `POOL_CONTINUATION`: the pool has reserved `poolSeconds` for the call (less than it may run)
 *   and the organizer holds the credits licence. The wallet decides: with billing set up and a
 *   positive available balance it holds for up to `maxCreditSeconds` more and admits the call
 *   `funding: "pool"` with `split`; otherwise it admits it for `poolSeconds` only. Either way the
 *   wallet publishes the decision. The continuation is billed per minute without connection fee.
 */
export class CallHandedToWalletV1 extends OutboundCallFacts {
  @Equals('CallHandedToWallet') override type!: 'CallHandedToWallet';
  @Equals(1) override version!: 1;
  @IsIn(HAND_OVER_REASONS) reason!: HandOverReason;
  @IsBoolean() creditsLicensed!: boolean;
  @IsIn(Object.values(CAPABILITIES)) capability!: Capability;
  /** POOL_CONTINUATION only: the pool seconds reserved for the call (whole minutes). */
  @ValidateIf((e: CallHandedToWalletV1) => e.reason === 'POOL_CONTINUATION') @IsInt() @Min(60) poolSeconds?: number;
  /** POOL_CONTINUATION only: the most credit seconds the continuation may add (the call's cap minus the pool's part). */
  @ValidateIf((e: CallHandedToWalletV1) => e.reason === 'POOL_CONTINUATION') @IsInt() @Min(0) maxCreditSeconds?: number;
}

/**
 * Pool minutes of a call the pool could not debit after all (on `pool-ledger.events`): its
 * reservation had expired before the call's late `CallEnded`, and the minutes are gone. The
 * wallet charges exactly `uncoveredMinutes` at the destination's rate (no connection fee),
 * leaving an `owed` amount where the lots can't cover it; never written off.
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
