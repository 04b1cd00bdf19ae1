import { Type } from 'class-transformer';
import { ArrayMaxSize, Equals, IsArray, IsBoolean, IsIn, IsInt, IsOptional, Matches, Min, ValidateIf, ValidateNested } from 'class-validator';
import { EventEnvelope } from './envelope';
import { OutboundCallFacts, OutboundCallRoute } from './outbound-call';
import { ISO_COUNTRY, OPAQUE_ID } from './patterns';
import { SchemaRegistry } from './schema-registry';

/** What the dial-out policy service publishes (`dialout-policy.events`): stage 1 of the admission chain. */

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
 * A tenant's Global dial-out policy changed (`PUT /tenants/{t}/dialout-policy`), on
 * `dialout-policy.events` since session 8: the first step of admission in one hop, whose
 * replica of the policies learns them from here (docs/architecture.md). An extension of the
 * contract: readers of the topic skip types they do not read.
 */
export class GlobalPolicyGrantedV1 extends EventEnvelope {
  @Equals('GlobalPolicyGranted') override type!: 'GlobalPolicyGranted';
  @Equals(1) override version!: 1;
  @Matches(/^Dialout[A-Za-z]+$/) policyName!: string;
}

/** A user's own dial-out policy changed; null: removed, the Global policy applies to them again. */
export class UserPolicyGrantedV1 extends EventEnvelope {
  @Equals('UserPolicyGranted') override type!: 'UserPolicyGranted';
  @Equals(1) override version!: 1;
  @Matches(OPAQUE_ID) userId!: string;
  /** null: the user's own policy is removed. */
  @ValidateIf((e: UserPolicyGrantedV1) => e.policyName !== null)
  @Matches(/^Dialout[A-Za-z]+$/)
  policyName!: string | null;
}

/** A user's own policy, in a `DialoutPoliciesRestated`. */
export class UserPolicyV1 {
  @Matches(OPAQUE_ID) userId!: string;
  @Matches(/^Dialout[A-Za-z]+$/) policyName!: string;
}

/**
 * The policies in force for a tenant, stated once because they were granted before the grants
 * were published: the Global policy (null: never granted, the default applies) and every
 * user's own, in pages (`page` of `pages`, at most 200 users each, appended and so published
 * together). A reader knows a tenant's policies once it has every page, and keeps them by the
 * grants published after.
 */
export class DialoutPoliciesRestatedV1 extends EventEnvelope {
  @Equals('DialoutPoliciesRestated') override type!: 'DialoutPoliciesRestated';
  @Equals(1) override version!: 1;
  @ValidateIf((e: DialoutPoliciesRestatedV1) => e.globalPolicy !== null)
  @Matches(/^Dialout[A-Za-z]+$/)
  globalPolicy!: string | null;
  @IsArray() @ArrayMaxSize(200) @ValidateNested({ each: true }) @Type(() => UserPolicyV1) userPolicies!: UserPolicyV1[];
  @IsInt() @Min(1) page!: number;
  @IsInt() @Min(1) pages!: number;
  /**
   * Since session 9: the restatement's edition (absent: 1). A tenant is restated again by a newer
   * edition; a reader takes each restatement as the policies in force when it was made.
   */
  @IsOptional() @IsInt() @Min(1) edition?: number;
}

/** Schemas of `dialout-policy.events`. A v1 `CallCleared` is a v2 whose facts are all known. */
export function dialoutPolicySchemas(): SchemaRegistry {
  return new SchemaRegistry({ ignoreUnknownTypes: true })
    .register({
      type: 'CallCleared',
      schema: CallClearedV2,
      latestVersion: 2,
      // Version 1 always carries both facts: a null there stays a schema violation after upcasting.
      upcasters: { 1: (v1) => ({ ...v1, usageLocation: v1['usageLocation'] ?? undefined, domestic: v1['domestic'] ?? undefined }) },
    })
    .register({ type: 'GlobalPolicyGranted', schema: GlobalPolicyGrantedV1, latestVersion: 1 })
    .register({ type: 'UserPolicyGranted', schema: UserPolicyGrantedV1, latestVersion: 1 })
    .register({ type: 'DialoutPoliciesRestated', schema: DialoutPoliciesRestatedV1, latestVersion: 1 });
}
