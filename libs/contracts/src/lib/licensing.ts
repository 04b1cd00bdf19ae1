import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  Equals,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsUUID,
  Matches,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { EventEnvelope } from './envelope';
import { OutboundCallFacts } from './outbound-call';
import { E164, ISO_COUNTRY, OPAQUE_ID, SHORT_CODE, UTC_INSTANT } from './patterns';
import { SchemaRegistry } from './schema-registry';

/** What licensing publishes (`licensing.events`): users, seats, licences, and stage 2 of the admission chain. */

/** Our SKU codes (domain.md) and the capability code of each in the usage report. */
export const SKUS = [
  'OFFICE_365_E5',
  'AUDIO_CONFERENCING',
  'AUDIO_CONFERENCING_PPM',
  'AUDIO_CONFERENCING_SELECT_DIAL_OUT',
  'COMMUNICATIONS_CREDITS',
  'PHONE_SYSTEM',
  'DOMESTIC_CALLING_PLAN',
  'INTERNATIONAL_CALLING_PLAN',
] as const;
export type Sku = (typeof SKUS)[number];

export function isSku(value: unknown): value is Sku {
  return typeof value === 'string' && (SKUS as readonly string[]).includes(value);
}

/** Licence capability codes as the Teams PSTN usage report names them. */
export const CAPABILITIES = {
  AudioConferencing: 'MCOMEETADD',
  AudioConferencingPayPerMinute: 'MCOMEETACPEA',
  CommunicationsCredits: 'MCOPSTNPP',
  DomesticCallingPlan: 'MCOPSTN1',
  InternationalCallingPlan: 'MCOPSTN2',
} as const;
export type Capability = (typeof CAPABILITIES)[keyof typeof CAPABILITIES];

export class UserUpsertedV1 extends EventEnvelope {
  @Equals('UserUpserted') override type!: 'UserUpserted';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) userId!: string;
  /** null: the user has no usage location (no licence can be assigned). */
  @ValidateIf((e: UserUpsertedV1) => e.usageLocation !== null)
  @Matches(ISO_COUNTRY)
  usageLocation!: string | null;
  @IsOptional() displayName?: string | null;
}

export class SubscriptionSeatsChangedV1 extends EventEnvelope {
  @Equals('SubscriptionSeatsChanged') override type!: 'SubscriptionSeatsChanged';
  @Equals(1) override version!: 1;
  @IsIn(SKUS) sku!: Sku;
  @IsInt() @Min(0) seats!: number;
  @IsInt() @Min(0) previousSeats!: number;
}

export class LicenseAssignedV1 extends EventEnvelope {
  @Equals('LicenseAssigned') override type!: 'LicenseAssigned';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) userId!: string;
  @IsIn(SKUS) sku!: Sku;
}

export class LicenseUnassignedV1 extends EventEnvelope {
  @Equals('LicenseUnassigned') override type!: 'LicenseUnassigned';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) userId!: string;
  @IsIn(SKUS) sku!: Sku;
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

/**
 * An outbound call licensing did not screen in its own hop, referred to the dial-out policy
 * service, which screens it as the first stage of the chain (docs/architecture.md, "Admission in
 * fewer hops"): its policies were not known to licensing yet, or the user, or their usage
 * location. The CallStarted's facts, as the screening needs them. An extension of the contract
 * (since session 9): readers of the topic skip types they do not read.
 */
/** The CallStarted's facts a referred call carries, as the screening and entitlement need them. */
export class ReferredCallFacts extends EventEnvelope {
  @Matches(OPAQUE_ID) callId!: string;
  @IsIn(['conf_out', 'user_out']) callType!: 'conf_out' | 'user_out';
  @Matches(OPAQUE_ID) userId!: string;
  @Matches(E164) from!: string;
  /** E.164, or an emergency short code on user_out. */
  @ValidateIf((e: ReferredCallFacts) => !SHORT_CODE.test(String(e.to)))
  @Matches(E164)
  to!: string;
  @Matches(UTC_INSTANT) startedAt!: string;
  /** The CallStarted's event id: the decision names it as its cause. */
  @IsUUID() startedEventId!: string;
}

export class CallReferredV1 extends ReferredCallFacts {
  @Equals('CallReferred') override type!: 'CallReferred';
  @Equals(1) override version!: 1;
  @IsIn(['POLICIES_NOT_KNOWN', 'USER_NOT_KNOWN', 'USAGE_LOCATION_NOT_KNOWN']) reason!: 'POLICIES_NOT_KNOWN' | 'USER_NOT_KNOWN' | 'USAGE_LOCATION_NOT_KNOWN';
}

/**
 * Licensing screened an outbound call by the dial-out policy rules, from the policies it has
 * learned (stage 1 in licensing's hop): the verdict, for the dial-out policy service's count of
 * calls per policy and the usage report. The decision itself is on `calls.decisions` (a refusal
 * still says `decidedBy: "dialout-policy"`: its rule refused) or, cleared and funded, the call's
 * `CallEntitled`. An extension of the contract (since session 9).
 */
export class CallScreenedV1 extends EventEnvelope {
  @Equals('CallScreened') override type!: 'CallScreened';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @IsIn(['conf_out', 'user_out']) callType!: 'conf_out' | 'user_out';
  @Matches(OPAQUE_ID) userId!: string;
  @Matches(/^Dialout[A-Za-z]+$/) policyName!: string;
  @IsIn(['user', 'global']) policySource!: 'user' | 'global';
  /** The control the call was judged under (the one that refused it, for a refusal). */
  @IsIn(['CPC', 'PSTN']) control!: 'CPC' | 'PSTN';
  @IsIn(['cleared', 'blocked', 'invalid_number']) outcome!: 'cleared' | 'blocked' | 'invalid_number';
  /** Country of the dialled number; null unless cleared. */
  @ValidateIf((e: CallScreenedV1) => e.destinationCountry !== null)
  @Matches(ISO_COUNTRY)
  destinationCountry!: string | null;
  /** Whether the destination is in the user's usage location; null unless cleared. */
  @ValidateIf((e: CallScreenedV1) => e.domestic !== null)
  @IsBoolean()
  domestic!: boolean | null;
}

/** A user as licensing restates them: usage location (null: none) and assigned licences. */
export class LicensedUserV1 {
  @Matches(OPAQUE_ID) userId!: string;
  @ValidateIf((u: LicensedUserV1) => u.usageLocation !== null)
  @Matches(ISO_COUNTRY)
  usageLocation!: string | null;
  @IsArray() @ArrayMaxSize(SKUS.length) @ArrayUnique() @IsIn(SKUS, { each: true }) licenses!: Sku[];
}

/**
 * A tenant's users as they are, stated once because most were created before a reader of this
 * topic kept them: every user's usage location and licences, in pages (`page` of `pages`, at
 * most 100 users each, appended together and so published together). A reader knows a tenant's
 * users once it has every page of an edition, and keeps them by the `UserUpserted`,
 * `LicenseAssigned` and `LicenseUnassigned` published after it. For pool-ledger's replica, the
 * one-hop admission's (docs/architecture.md, "Admission in one hop"). An extension of the
 * contract (since session 10): readers of the topic skip types they do not read.
 */
export class LicensedUsersRestatedV1 extends EventEnvelope {
  @Equals('LicensedUsersRestated') override type!: 'LicensedUsersRestated';
  @Equals(1) override version!: 1;
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => LicensedUserV1) users!: LicensedUserV1[];
  @IsInt() @Min(1) page!: number;
  @IsInt() @Min(1) pages!: number;
  /** A tenant is restated again by a newer edition; a reader takes each as the users when it was made. */
  @IsInt() @Min(1) edition!: number;
}

/** Schemas of `licensing.events`. */
export function licensingSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'UserUpserted', schema: UserUpsertedV1, latestVersion: 1 })
    .register({ type: 'SubscriptionSeatsChanged', schema: SubscriptionSeatsChangedV1, latestVersion: 1 })
    .register({ type: 'LicenseAssigned', schema: LicenseAssignedV1, latestVersion: 1 })
    .register({ type: 'LicenseUnassigned', schema: LicenseUnassignedV1, latestVersion: 1 })
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 })
    .register({ type: 'CallReferred', schema: CallReferredV1, latestVersion: 1 })
    .register({ type: 'CallScreened', schema: CallScreenedV1, latestVersion: 1 })
    .register({ type: 'LicensedUsersRestated', schema: LicensedUsersRestatedV1, latestVersion: 1 });
}
