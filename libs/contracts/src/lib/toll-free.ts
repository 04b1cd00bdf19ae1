import { Type } from 'class-transformer';
import { Equals, IsArray, IsIn, IsOptional, Matches, ValidateNested } from 'class-validator';
import { EventEnvelope } from './envelope';
import { MoneyV1 } from './money';
import { E164, ISO_COUNTRY, OPAQUE_ID, UTC_INSTANT } from './patterns';
import { SchemaRegistry } from './schema-registry';

/** What the toll-free service publishes (`toll-free.events`) that other services read. */

/**
 * An inbound call to one of the tenant's active toll-free numbers (on `toll-free.events`): the
 * wallet funds its minutes at the toll-free rate of the number's country, or rejects it.
 */
export class TollFreeCallRoutedV1 extends EventEnvelope {
  @Equals('TollFreeCallRouted') override type!: 'TollFreeCallRouted';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) callId!: string;
  @IsIn(['conf_in', 'user_in', 'ucap_in']) callType!: 'conf_in' | 'user_in' | 'ucap_in';
  @IsOptional() @Matches(OPAQUE_ID) userId?: string;
  @Matches(E164) from!: string;
  /** The toll-free number called. */
  @Matches(E164) to!: string;
  @Matches(ISO_COUNTRY) numberCountry!: string;
  @Matches(UTC_INSTANT) startedAt!: string;
}

/** What a toll-free number can be assigned to. */
export const ASSIGNMENT_TARGETS = ['conference_bridge', 'call_queue', 'auto_attendant'] as const;
export type AssignmentTarget = (typeof ASSIGNMENT_TARGETS)[number];

/** A number of the tenant's and the country of the inventory it came from. */
export abstract class TollFreeNumberFacts extends EventEnvelope {
  @Matches(E164) number!: string;
  @Matches(ISO_COUNTRY) country!: string;
}

/** The tenant acquired a toll-free number (on `toll-free.events`). */
export class TollFreeNumberAcquiredV1 extends TollFreeNumberFacts {
  @Equals('TollFreeNumberAcquired') override type!: 'TollFreeNumberAcquired';
  @Equals(1) override version!: 1;
}

/** One of the tenant's numbers was assigned to a conference bridge, call queue or auto attendant (on `toll-free.events`). */
export class TollFreeNumberAssignedV1 extends TollFreeNumberFacts {
  @Equals('TollFreeNumberAssigned') override type!: 'TollFreeNumberAssigned';
  @Equals(1) override version!: 1;
  @IsIn(ASSIGNMENT_TARGETS) target!: AssignmentTarget;
  @Matches(OPAQUE_ID) targetId!: string;
}

/** The tenant released one of its numbers back to the inventory, its assignment gone (on `toll-free.events`). */
export class TollFreeNumberReleasedV1 extends TollFreeNumberFacts {
  @Equals('TollFreeNumberReleased') override type!: 'TollFreeNumberReleased';
  @Equals(1) override version!: 1;
}

/** The tenant's toll-free numbers were suspended (balance at zero) or resumed (on `toll-free.events`). */
export class TollFreeNumbersSuspendedV1 extends EventEnvelope {
  @Equals('TollFreeNumbersSuspended') override type!: 'TollFreeNumbersSuspended';
  @Equals(1) override version!: 1;
  @IsArray() @Matches(E164, { each: true }) numbers!: string[];
  @ValidateNested() @Type(() => MoneyV1) balance!: MoneyV1;
}

export class TollFreeNumbersResumedV1 extends EventEnvelope {
  @Equals('TollFreeNumbersResumed') override type!: 'TollFreeNumbersResumed';
  @Equals(1) override version!: 1;
  @IsArray() @Matches(E164, { each: true }) numbers!: string[];
  @ValidateNested() @Type(() => MoneyV1) balance!: MoneyV1;
}

/** Schemas of `toll-free.events` that other services consume. */
export function tollFreeSchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true }).register({ type: 'TollFreeCallRouted', schema: TollFreeCallRoutedV1, latestVersion: 1 });
}
