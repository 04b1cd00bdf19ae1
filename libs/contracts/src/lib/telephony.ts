import { Equals, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { EventEnvelope } from './envelope';
import { E164, OPAQUE_ID, SHORT_CODE } from './patterns';
import { SchemaRegistry } from './schema-registry';

/**
 * What upstream telephony publishes (`telephony.call-started`, `telephony.call-ended`;
 * design.md): the start and the end of every call.
 */

/** Call types as in the Teams PSTN usage report (domain.md). */
export const CALL_TYPES = ['conf_out', 'conf_in', 'user_out', 'user_in', 'ucap_in'] as const;
export type CallType = (typeof CALL_TYPES)[number];

export const INBOUND_CALL_TYPES: readonly CallType[] = ['conf_in', 'user_in', 'ucap_in'];

export function isInbound(callType: CallType): boolean {
  return INBOUND_CALL_TYPES.includes(callType);
}

export class CallStartedV1 extends EventEnvelope {
  @Equals('CallStarted')
  override type!: 'CallStarted';

  @Equals(1)
  override version!: 1;

  @Matches(OPAQUE_ID, { message: 'callId must be 1-128 characters without spaces' })
  callId!: string;

  @IsIn(CALL_TYPES)
  callType!: CallType;

  /** Organizer for conf_*, caller for user_out, callee for user_in, absent for ucap_in. */
  @ValidateIf((e: CallStartedV1) => e.callType !== 'ucap_in' || e.userId !== undefined)
  @Matches(OPAQUE_ID, { message: 'userId is required for this callType (1-128 characters without spaces)' })
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

  @Matches(OPAQUE_ID, { message: 'callId must be 1-128 characters without spaces' })
  callId!: string;

  /** Whole seconds, 0 to 7 days: anything else is bad input (domain.md), dead-lettered with its reason. */
  @IsInt({ message: 'durationSeconds must be a whole number of seconds' })
  @Min(0, { message: 'durationSeconds must not be negative' })
  @Max(MAX_CALL_SECONDS, { message: `durationSeconds over ${MAX_CALL_SECONDS} (7 days) is absurd` })
  durationSeconds!: number;
}

export type CallStarted = Omit<CallStartedV1, never>;
export type CallEnded = Omit<CallEndedV1, never>;

/** Schemas of the events upstream telephony publishes. */
export function telephonySchemas(): SchemaRegistry {
  return new SchemaRegistry()
    .register({ type: 'CallStarted', schema: CallStartedV1, latestVersion: 1 })
    .register({ type: 'CallEnded', schema: CallEndedV1, latestVersion: 1 });
}
