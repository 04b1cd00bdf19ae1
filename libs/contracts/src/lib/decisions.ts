import { Equals, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { EventEnvelope } from './envelope';
import { OPAQUE_ID } from './patterns';
import { SchemaRegistry } from './schema-registry';

/**
 * `calls.decisions`: exactly one `CallAdmitted` or `CallRejected` per call, published by the
 * stage of the admission chain that decided it (design.md).
 */

/** How a pool call that continues on credits divides its grant (design.md, version 2). */
export class FundingSplitV1 {
  @IsInt() @Min(0) poolSeconds!: number;
  @IsInt() @Min(0) creditSeconds!: number;
}

export const FUNDING_SOURCES = ['pool', 'credits', 'calling-plan', 'free'] as const;
export type Funding = (typeof FUNDING_SOURCES)[number];

export const DECIDERS = ['dialout-policy', 'licensing', 'pool-ledger', 'credit-wallet', 'toll-free'] as const;
export type Decider = (typeof DECIDERS)[number];

/** Stable reason codes of `CallRejected` (design.md); services may add codes, never rename. */
export const RejectionReasons = {
  DialoutPolicyBlocked: 'DIALOUT_POLICY_BLOCKED',
  NoAudioConferencingLicense: 'NO_AUDIO_CONFERENCING_LICENSE',
  NoCommunicationsCreditsLicense: 'NO_COMMUNICATIONS_CREDITS_LICENSE',
  NoCallingPlan: 'NO_CALLING_PLAN',
  PoolExhaustedNoCredits: 'POOL_EXHAUSTED_NO_CREDITS',
  InsufficientCredits: 'INSUFFICIENT_CREDITS',
  TollFreeNumberSuspended: 'TOLL_FREE_NUMBER_SUSPENDED',
  InvalidNumber: 'INVALID_NUMBER',
  UnknownUser: 'UNKNOWN_USER',
  NoPhoneSystemLicense: 'NO_PHONE_SYSTEM_LICENSE',
  TollFreeNumberUnknown: 'TOLL_FREE_NUMBER_UNKNOWN',
  NoRateForDestination: 'NO_RATE_FOR_DESTINATION',
} as const;
export type RejectionReason = (typeof RejectionReasons)[keyof typeof RejectionReasons];

export class CallAdmittedV1 extends EventEnvelope {
  @Equals('CallAdmitted')
  override type!: 'CallAdmitted';

  @Equals(1)
  override version!: 1;

  @Matches(OPAQUE_ID)
  callId!: string;

  @IsIn(FUNDING_SOURCES)
  funding!: Funding;

  /** null when unlimited. */
  @ValidateIf((e: CallAdmittedV1) => e.maxDurationSeconds !== null)
  @IsInt()
  @Min(0)
  maxDurationSeconds!: number | null;

  @IsIn(DECIDERS)
  decidedBy!: Decider;

  /** A pool call that continues on credits: `maxDurationSeconds` = poolSeconds + creditSeconds. */
  @IsOptional()
  @ValidateNested()
  @Type(() => FundingSplitV1)
  split?: FundingSplitV1;

  /**
   * Licensing's admissions (calling plan, emergency): the licence it admitted the call under,
   * as the Teams report names it (`MCOPSTN1`, `MCOPSTN2`; null for an emergency call by a user
   * without a plan). Added in version 2 of the contract; absent from other stages' decisions.
   */
  @IsOptional()
  @ValidateIf((e: CallAdmittedV1) => e.capability !== null)
  @Matches(/^MCO[A-Z0-9]{1,16}$/)
  capability?: string | null;
}

export class CallRejectedV1 extends EventEnvelope {
  @Equals('CallRejected')
  override type!: 'CallRejected';

  @Equals(1)
  override version!: 1;

  @Matches(OPAQUE_ID)
  callId!: string;

  @IsString()
  @IsNotEmpty()
  @Matches(/^[A-Z][A-Z0-9_]*$/, { message: 'reason must be an upper-case code' })
  reason!: string;

  @IsIn(DECIDERS)
  decidedBy!: Decider;

  /** Extension: what exactly refused the call (e.g. `{ control: "PSTN", policyName }`). */
  @IsOptional()
  @IsObject()
  details?: Record<string, unknown>;
}

export type CallAdmitted = Omit<CallAdmittedV1, never>;
export type CallRejected = Omit<CallRejectedV1, never>;
export type CallDecision = CallAdmitted | CallRejected;

/** Schemas of `calls.decisions`. */
export function decisionSchemas(): SchemaRegistry {
  return new SchemaRegistry()
    .register({ type: 'CallAdmitted', schema: CallAdmittedV1, latestVersion: 1 })
    .register({ type: 'CallRejected', schema: CallRejectedV1, latestVersion: 1 });
}
