import { Equals, IsBoolean, IsIn, Matches, ValidateIf } from 'class-validator';
import { E164, SHORT_CODE } from './calls';
import { EventEnvelope, UTC_INSTANT } from './envelope';
import { CAPABILITIES, Capability, ISO_COUNTRY } from './licensing';

const ID = /^[^\s]{1,128}$/;

/**
 * The facts of an outbound call that each stage of the admission chain hands to the next, so
 * no stage has to read another's data.
 */
export abstract class OutboundCallFacts extends EventEnvelope {
  @Matches(ID) callId!: string;
  @IsIn(['conf_out', 'user_out']) callType!: 'conf_out' | 'user_out';
  /** The meeting organizer (conf_out) or the caller (user_out). */
  @Matches(ID) userId!: string;
  @Matches(E164) from!: string;
  /** E.164, or an emergency short code on user_out. */
  @ValidateIf((e: OutboundCallFacts) => !SHORT_CODE.test(String(e.to)))
  @Matches(E164)
  to!: string;
  /** Country of the dialled number (the caller's country for an emergency short code). */
  @Matches(ISO_COUNTRY) destinationCountry!: string;
  /** The user's usage location. */
  @Matches(ISO_COUNTRY) usageLocation!: string;
  @IsBoolean() domestic!: boolean;
  @IsBoolean() zoneA!: boolean;
  @IsBoolean() emergency!: boolean;
  /** When the call started (from CallStarted). */
  @Matches(UTC_INSTANT) startedAt!: string;
}

/** Stage 1 passed: the dial-out policy allows the call (on `dialout-policy.events`). */
export class CallClearedV1 extends OutboundCallFacts {
  @Equals('CallCleared') override type!: 'CallCleared';
  @Equals(1) override version!: 1;
  @Matches(/^Dialout[A-Za-z]+$/) policyName!: string;
  @IsIn(['user', 'global']) policySource!: 'user' | 'global';
}

/**
 * Stage 2 passed: the licences allow the call and it needs funding (on `licensing.events`).
 * `poolEligible`: the organizer's licence draws on the pool for a Zone A dial-out;
 * `creditsLicensed`: the organizer/caller has COMMUNICATIONS_CREDITS, so credits may pay.
 */
export class CallEntitledV1 extends OutboundCallFacts {
  @Equals('CallEntitled') override type!: 'CallEntitled';
  @Equals(1) override version!: 1;
  @IsBoolean() poolEligible!: boolean;
  @IsBoolean() creditsLicensed!: boolean;
  /** The licence capability the call is reported under (usage report). */
  @IsIn(Object.values(CAPABILITIES)) capability!: Capability;
}
