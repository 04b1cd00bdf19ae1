import { Equals, IsBoolean, IsIn, Matches, ValidateIf } from 'class-validator';
import { E164, SHORT_CODE } from './calls';
import { EventEnvelope, UTC_INSTANT } from './envelope';
import { CAPABILITIES, Capability, ISO_COUNTRY } from './licensing';

const ID = /^[^\s]{1,128}$/;

/** The facts of an outbound call that do not depend on who makes it (see `OutboundCallFacts`). */
export abstract class OutboundCallRoute extends EventEnvelope {
  @Matches(ID) callId!: string;
  @IsIn(['conf_out', 'user_out']) callType!: 'conf_out' | 'user_out';
  /** The meeting organizer (conf_out) or the caller (user_out). */
  @Matches(ID) userId!: string;
  @Matches(E164) from!: string;
  /** E.164, or an emergency short code on user_out. */
  @ValidateIf((e: OutboundCallRoute) => !SHORT_CODE.test(String(e.to)))
  @Matches(E164)
  to!: string;
  /** Country of the dialled number (the caller's country for an emergency short code). */
  @Matches(ISO_COUNTRY) destinationCountry!: string;
  @IsBoolean() zoneA!: boolean;
  @IsBoolean() emergency!: boolean;
  /** When the call started (from CallStarted). */
  @Matches(UTC_INSTANT) startedAt!: string;
}

/**
 * The facts of an outbound call that each stage of the admission chain hands to the next, so
 * no stage has to read another's data.
 */
export abstract class OutboundCallFacts extends OutboundCallRoute {
  /** The user's usage location. */
  @Matches(ISO_COUNTRY) usageLocation!: string;
  @IsBoolean() domestic!: boolean;
}

/** Stage 1 passed: the dial-out policy allows the call (on `dialout-policy.events`). */
export class CallClearedV1 extends OutboundCallFacts {
  @Equals('CallCleared') override type!: 'CallCleared';
  @Equals(1) override version!: 1;
  @Matches(/^Dialout[A-Za-z]+$/) policyName!: string;
  @IsIn(['user', 'global']) policySource!: 'user' | 'global';
}

/**
 * Version 2 of `CallCleared` (additive: v1 is upcast unchanged). Stage 1 may clear a call before
 * it has learned the user's usage location from licensing when the verdict does not depend on
 * it (a policy that allows every destination, an emergency call): `usageLocation` and
 * `domestic` are then null, and licensing, which owns users, fills them in from its own record
 * before it hands the call on (`CallEntitled` always carries both). Stage 1 publishes version 1
 * whenever it knows both, so only such calls need a consumer that reads version 2.
 */
export class CallClearedV2 extends OutboundCallRoute {
  @Equals('CallCleared') override type!: 'CallCleared';
  @Equals(2) override version!: 2;
  /** null: not known to the dial-out policy service yet (licensing fills it in). */
  @ValidateIf((e: CallClearedV2) => e.usageLocation !== null)
  @Matches(ISO_COUNTRY)
  usageLocation!: string | null;
  /** null when `usageLocation` is (a boolean whenever it is known). */
  @ValidateIf((e: CallClearedV2) => e.domestic !== null || e.usageLocation !== null)
  @IsBoolean()
  domestic!: boolean | null;
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
