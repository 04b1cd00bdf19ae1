import { CallAdmittedV1, CallEntitledV1, CallScreenedV1, Capability, Envelope, RejectionReasons, Sku } from '@comms-credits/contracts';
import { CallRejectedData, DialoutPolicyName, ScreenedCall, catalogueNameOf, controlOf, screenCall } from '@comms-credits/dialout-rules';
import { OutboundCall, entitle } from './entitlement';
import { entitlementsOf } from './licences';

/**
 * A call as stage 1 cleared it (CallCleared without its envelope and policy). `usageLocation`
 * and `domestic` are null when stage 1 cleared the call before it had learned the user's usage
 * location: stage 2, which knows the user, fills them in.
 */
export interface ClearedCall extends OutboundCall {
  callId: string;
  userId: string;
  from: string;
  to: string;
  usageLocation: string | null;
  startedAt: string;
}

/** What stage 2 knows of the organizer or caller (nothing: a user it has never seen). */
export interface CallerRecord {
  usageLocation: string | null;
  licenses: readonly Sku[];
}

/** A call entitled and in need of funding, as `CallEntitled` hands it to the pool. */
export type EntitledFacts = Omit<CallEntitledV1, keyof Envelope>;

/** The verdict of a call screened by the dial-out policy rules, as `CallScreened` states it. */
export type ScreenedFacts = Omit<CallScreenedV1, keyof Envelope>;

/** A call admitted by the caller's calling plan (or free, an emergency call): licensing's rule decided, wherever it ran. */
export type PlanAdmission = Omit<CallAdmittedV1, keyof Envelope> & {
  funding: 'calling-plan' | 'free';
  maxDurationSeconds: null;
  decidedBy: 'licensing';
  /** The plan it admitted the call under (contract v2, for the usage report). */
  capability: Capability | null;
};

/** What a service has learned that screening a call in its own hop needs (its replicas, read with the call). */
export interface LearnedFacts {
  /** Every dial-out policy of the tenant is known (its restatement learned). */
  policiesKnown: boolean;
  /** null: none granted, the default applies. */
  globalPolicy: string | null;
  /** null: none of their own, the Global one applies. */
  userPolicy: string | null;
  /** undefined: a user never seen. */
  caller: CallerRecord | undefined;
}

/** The inputs of `screenAndEntitle`, or what is missing for it. */
export type ScreeningInputs =
  | { ok: true; caller: CallerRecord & { usageLocation: string }; userPolicy: DialoutPolicyName | null; globalPolicy: DialoutPolicyName | null }
  | { ok: false; missing: 'POLICIES_NOT_KNOWN' | 'USER_NOT_KNOWN' | 'USAGE_LOCATION_NOT_KNOWN' };

/** Screen in this hop when nothing the screening needs is missing; else say what is (a policy name outside the catalogue cannot have been granted). */
export function screeningInputsOf(facts: LearnedFacts): ScreeningInputs {
  const globalPolicy = catalogueNameOf(facts.globalPolicy);
  const userPolicy = catalogueNameOf(facts.userPolicy);
  if (!facts.policiesKnown || globalPolicy === undefined || userPolicy === undefined) return { ok: false, missing: 'POLICIES_NOT_KNOWN' };
  const { caller } = facts;
  if (!caller) return { ok: false, missing: 'USER_NOT_KNOWN' };
  const { usageLocation } = caller;
  if (usageLocation === null) return { ok: false, missing: 'USAGE_LOCATION_NOT_KNOWN' };
  return { ok: true, caller: { ...caller, usageLocation }, userPolicy, globalPolicy };
}

/** Stage 2's decision on a cleared call. */
export type EntitlementDecision =
  /** Settled by the licences alone: no funding stage needed. */
  | { kind: 'admit'; funding: 'calling-plan' | 'free'; capability: Capability | null }
  | { kind: 'reject'; reason: string; detail: string }
  /** Needs funding: the pool's stage, and past it the wallet's. */
  | { kind: 'fund'; entitled: EntitledFacts };

/** Stages 1 and 2 in one decision, by the same rules as the chain of two. */
export type ScreenAndEntitleDecision =
  /** The dial-out policy refused the call (its rule decided: `decidedBy: "dialout-policy"`). */
  | { kind: 'refused'; screened: ScreenedFacts; rejection: CallRejectedData }
  /** Cleared by the policy, then decided by the licences. */
  | ({ screened: ScreenedFacts } & EntitlementDecision)
  /**
   * Not expected with the caller's usage location known (only a Domestic control waits for it);
   * should it happen, the dial-out policy service, which can wait, judges the call.
   */
  | { kind: 'undecided' };

/**
 * Stage 2 (domain.md): the licences of the organizer or caller decide, fund or hand the call on.
 * The facts stage 1 could not know come from the caller's record first.
 */
export function entitleCleared(cleared: ClearedCall, caller: CallerRecord): EntitlementDecision {
  const call = withCallerFacts(cleared, caller);
  const outcome = entitle(call, entitlementsOf(caller.licenses));
  switch (outcome.kind) {
    case 'admit':
      return { kind: 'admit', funding: outcome.funding, capability: outcome.capability };
    case 'reject':
      return { kind: 'reject', reason: outcome.reason, detail: outcome.detail };
    case 'fund':
      if (call.usageLocation === null || call.domestic === null) {
        // Unreachable while licences need a usage location (licensing refuses to assign one
        // without it, or to remove it from a licensed user); said, not assumed.
        return {
          kind: 'reject',
          reason: RejectionReasons.UnknownUser,
          detail: `licensing has no usage location for user ${call.userId}, so the call's facts are incomplete`,
        };
      }
      return {
        kind: 'fund',
        entitled: {
          ...call,
          usageLocation: call.usageLocation,
          domestic: call.domestic,
          poolEligible: outcome.poolEligible,
          creditsLicensed: outcome.creditsLicensed,
          capability: outcome.capability,
        },
      };
  }
}

/**
 * Stage 1 by the dial-out policy rules, then, cleared, stage 2 in the same decision: for a caller
 * known with a usage location, and the tenant's policies known (null: none granted).
 */
export function screenAndEntitle(
  call: ScreenedCall,
  caller: CallerRecord & { usageLocation: string },
  userPolicy: DialoutPolicyName | null,
  globalPolicy: DialoutPolicyName | null,
): ScreenAndEntitleDecision {
  const verdict = screenCall(call, { usageLocation: caller.usageLocation, policyName: userPolicy }, globalPolicy);
  const { callId, callType, userId } = call;
  switch (verdict.type) {
    case 'CallCleared': {
      const { policyName, policySource, ...facts } = verdict.data;
      const screened: ScreenedFacts = {
        callId,
        callType,
        userId,
        policyName,
        policySource,
        control: controlOf(callType),
        outcome: 'cleared',
        destinationCountry: facts.destinationCountry,
        domestic: facts.domestic,
      };
      return { screened, ...entitleCleared(facts, caller) };
    }
    case 'CallRejected': {
      const { reason, details } = verdict.data;
      const screened: ScreenedFacts = {
        callId,
        callType,
        userId,
        policyName: details.policyName,
        policySource: userPolicy === null ? 'global' : 'user',
        control: details.control,
        outcome: reason === RejectionReasons.InvalidNumber ? 'invalid_number' : 'blocked',
        destinationCountry: null,
        domestic: null,
      };
      return { kind: 'refused', screened, rejection: verdict.data };
    }
    case 'Undecided':
      return { kind: 'undecided' };
  }
}

/**
 * The facts stage 1 could not know, from stage 2's own record of the user: their usage location,
 * and from it whether the destination is domestic. Facts stage 1 did know are kept: they are what
 * the dial-out policy judged. An emergency short code's destination stays as stage 1 took it
 * (the call is admitted free whatever its destination).
 */
export function withCallerFacts(call: ClearedCall, caller: CallerRecord): ClearedCall {
  const usageLocation = call.usageLocation ?? caller.usageLocation;
  const domestic = call.domestic ?? (usageLocation === null ? null : call.destinationCountry === usageLocation);
  return { ...call, usageLocation, domestic };
}
