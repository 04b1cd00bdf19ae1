import { Equals, IsBoolean, IsIn, IsInt, IsOptional, Matches, Min, ValidateIf } from 'class-validator';
import { EventEnvelope } from './envelope';
import { OutboundCallFacts } from './outbound-call';
import { ISO_COUNTRY, OPAQUE_ID } from './patterns';
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

/** Schemas of `licensing.events`. */
export function licensingSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({ type: 'UserUpserted', schema: UserUpsertedV1, latestVersion: 1 })
    .register({ type: 'SubscriptionSeatsChanged', schema: SubscriptionSeatsChangedV1, latestVersion: 1 })
    .register({ type: 'LicenseAssigned', schema: LicenseAssignedV1, latestVersion: 1 })
    .register({ type: 'LicenseUnassigned', schema: LicenseUnassignedV1, latestVersion: 1 })
    .register({ type: 'CallEntitled', schema: CallEntitledV1, latestVersion: 1 });
}
