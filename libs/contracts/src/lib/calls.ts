import { Equals, IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { EventEnvelope } from './envelope';

/** Call types as in the Teams PSTN usage report (domain.md). */
export const CALL_TYPES = ['conf_out', 'conf_in', 'user_out', 'user_in', 'ucap_in'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const INBOUND_CALL_TYPES: readonly CallType[] = ['conf_in', 'user_in', 'ucap_in'];

export function isInbound(callType: CallType): boolean {
  return INBOUND_CALL_TYPES.includes(callType);
}

/** E.164: `+` and up to 15 digits, no leading zero in the country code. */
export const E164 = /^\+[1-9]\d{1,14}$/;
/** The one exception to E.164: an emergency short code as dialled (`112`, `911`, `999`, …). */
export const SHORT_CODE = /^\d{2,6}$/;

const ID = /^[^\s]{1,128}$/;

export class CallStartedV1 extends EventEnvelope {
  @Equals('CallStarted')
  override type!: 'CallStarted';

  @Equals(1)
  override version!: 1;

  @Matches(ID, { message: 'callId must be 1-128 characters without spaces' })
  callId!: string;

  @IsIn(CALL_TYPES)
  callType!: CallType;

  /** Organizer for conf_*, caller for user_out, callee for user_in, absent for ucap_in. */
  @ValidateIf((e: CallStartedV1) => e.callType !== 'ucap_in' || e.userId !== undefined)
  @Matches(ID, { message: 'userId is required for this callType (1-128 characters without spaces)' })
  userId?: string;

  @Matches(E164, { message: 'from must be an E.164 number' })
  from!: string;

  @ValidateIf((e: CallStartedV1) => e.callType !== 'user_out' || !SHORT_CODE.test(String(e.to)))
  @Matches(E164, { message: 'to must be an E.164 number (or an emergency short code on user_out)' })
  to!: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  meetingId?: string;
}

/** A call longer than this is not a real call (e.g. milliseconds sent as seconds). */
export const MAX_CALL_SECONDS = 7 * 24 * 3600;

export class CallEndedV1 extends EventEnvelope {
  @Equals('CallEnded')
  override type!: 'CallEnded';

  @Equals(1)
  override version!: 1;

  @Matches(ID, { message: 'callId must be 1-128 characters without spaces' })
  callId!: string;

  /** Whole seconds, 0 to 7 days: anything else is bad input (domain.md), dead-lettered with its reason. */
  @IsInt({ message: 'durationSeconds must be a whole number of seconds' })
  @Min(0, { message: 'durationSeconds must not be negative' })
  @Max(MAX_CALL_SECONDS, { message: `durationSeconds over ${MAX_CALL_SECONDS} (7 days) is absurd` })
  durationSeconds!: number;
}

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

  @Matches(ID)
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

  @Matches(ID)
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

export type CallStarted = Omit<CallStartedV1, never>;
export type CallEnded = Omit<CallEndedV1, never>;
export type CallAdmitted = Omit<CallAdmittedV1, never>;
export type CallRejected = Omit<CallRejectedV1, never>;
export type CallDecision = CallAdmitted | CallRejected;
