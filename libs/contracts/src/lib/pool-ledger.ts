import { Equals, IsBoolean, IsIn, IsInt, IsOptional, Matches, Min, ValidateIf } from 'class-validator';
import { EventEnvelope } from './envelope';
import { CAPABILITIES, CallEntitledV1, CallScreenedV1, Capability, ReferredCallFacts } from './licensing';
import { OutboundCallFacts } from './outbound-call';
import { ISO_COUNTRY, OPAQUE_ID, UTC_INSTANT, YEAR_MONTH } from './patterns';
import { SchemaRegistry } from './schema-registry';

/**
 * What the pool ledger publishes (`pool-ledger.events`): stage 3 of the admission chain (the
 * calls it hands to the wallet), each call's settlement, the month's running totals and alerts.
 */

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
  @Matches(OPAQUE_ID) callId!: string;
  @Matches(OPAQUE_ID) userId!: string;
  @Matches(ISO_COUNTRY) destinationCountry!: string;
  @Matches(YEAR_MONTH) month!: string;
  @IsInt() @Min(0) durationSeconds!: number;
  @IsInt() @Min(0) poolMinutes!: number;
  @IsInt() @Min(1) uncoveredMinutes!: number;
  @IsBoolean() creditsLicensed!: boolean;
}

/** A month's pool usage crossed 80 % or 100 % of its capacity (once per month each). */
export class PoolUsageThresholdReachedV1 extends EventEnvelope {
  @Equals('PoolUsageThresholdReached') override type!: 'PoolUsageThresholdReached';
  @Equals(1) override version!: 1;
  @Matches(YEAR_MONTH) month!: string;
  @IsIn([80, 100]) thresholdPercent!: 80 | 100;
  @IsInt() @Min(0) usedMinutes!: number;
  @IsInt() @Min(0) capacityMinutes!: number;
}

/** The pool settled a call it funded (on `pool-ledger.events`): whole minutes, the pool's part, what it handed on. */
export class PoolCallSettledV1 extends EventEnvelope {
  @Equals('PoolCallSettled') override type!: 'PoolCallSettled';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  /** The month (UTC) the call started in: the pool month it is debited from. */
  @Matches(YEAR_MONTH) month!: string;
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
  @Matches(OPAQUE_ID) callId!: string;
  @Matches(YEAR_MONTH) month!: string;
  @IsInt() @Min(0) reservedMinutes!: number;
  @Matches(UTC_INSTANT) dueBy!: string;
}

/**
 * Anomaly (on `pool-ledger.events`): telephony reported more seconds than the pool granted a
 * call it funded alone; it was settled at the grant and the excess never charged. (A call that
 * continued on credits is the wallet's to report: `SettlementExceededGrant`.)
 */
export class CallDurationExceededGrantV1 extends EventEnvelope {
  @Equals('CallDurationExceededGrant') override type!: 'CallDurationExceededGrant';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  /** What telephony reported. */
  @IsInt() @Min(0) durationSeconds!: number;
  @IsInt() @Min(0) grantedSeconds!: number;
  @IsInt() @Min(1) excessSeconds!: number;
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
  @Matches(YEAR_MONTH) month!: string;
  @Matches(OPAQUE_ID) callId!: string;
  @IsInt() @Min(0) usedMinutes!: number;
  /** Reserved minutes of the month after the event (absent on debits recorded before v2). */
  @IsOptional() @IsInt() @Min(0) reservedMinutes?: number;
  @IsOptional() @IsInt() @Min(0) capacityMinutes?: number;
}

export type PoolCallSettled = Omit<PoolCallSettledV1, never>;

export const POOL_REFERRAL_REASONS = ['USERS_NOT_KNOWN', 'POLICIES_NOT_KNOWN', 'USER_NOT_KNOWN', 'USAGE_LOCATION_NOT_KNOWN', 'NOT_ENTITLED_HERE'] as const;
export type PoolReferralReason = (typeof POOL_REFERRAL_REASONS)[number];

/**
 * An outbound call the pool did not decide in its own hop (since session 10; docs/architecture.md,
 * "Admission in one hop"): it had not learned the tenant's users (`USERS_NOT_KNOWN`) or dial-out
 * policies, or the user, or their usage location; or the licences it learned do not entitle the
 * call (`NOT_ENTITLED_HERE`: licensing, which owns them, refuses it or knows of a licence just
 * assigned that has not reached the pool yet). The CallStarted's facts and the reason;
 * licensing decides it as the chain does. An extension of the contract: readers skip types they
 * do not read. (The pool's `CallScreened` and `CallEntitled` on this topic are licensing's
 * classes: the same facts, stated by the service that decided the call in one hop.)
 */
export class PoolCallReferredV1 extends ReferredCallFacts {
  @Equals('CallReferred') override type!: 'CallReferred';
  @Equals(1) override version!: 1;
  @IsIn(POOL_REFERRAL_REASONS) reason!: PoolReferralReason;
}

/** Schemas of `pool-ledger.events` its readers decide by: the wallet's hand-overs, and the one-hop admission's calls. */
export function poolLedgerSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'CallHandedToWallet', schema: CallHandedToWalletV1, latestVersion: 1 })
    .register({ type: 'PoolOverflowHandedToWallet', schema: PoolOverflowHandedToWalletV1, latestVersion: 1 })
    .register({ type: 'PoolUsageThresholdReached', schema: PoolUsageThresholdReachedV1, latestVersion: 1 })
    .register({ type: 'CallReferred', schema: PoolCallReferredV1, latestVersion: 1 })
    .register({ type: 'CallScreened', schema: CallScreenedV1, latestVersion: 1 })
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 });
}
