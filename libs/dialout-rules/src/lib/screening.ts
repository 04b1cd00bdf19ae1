import { CallClearedV2, CallRejectedV1, CallStarted, Envelope, ReferredCallFacts, RejectionReasons } from '@comms-credits/contracts';
import { countryOfNumber } from '@comms-credits/telephony';
import { DialoutPolicyName, isDialoutPolicyName } from './dialout-policy.catalogue';
import { DialoutCallType, evaluateDialout } from './dialout.evaluation';
import { effectivePolicy } from './effective-policy';

export type DialoutControl = 'CPC' | 'PSTN';

const CONTROL_OF: Record<DialoutCallType, DialoutControl> = { conf_out: 'CPC', user_out: 'PSTN' };

/** CPC judges meeting dial-out, PSTN the user's own calls (domain.md). */
export function controlOf(callType: DialoutCallType): DialoutControl {
  return CONTROL_OF[callType];
}

/**
 * The contract's `CallCleared` without its envelope: every fact the next stages need.
 * `usageLocation` and `domestic` are null when the call was cleared before the user's usage
 * location was known (published as version 2; licensing fills them in).
 */
export type CallClearedData = Omit<CallClearedV2, keyof Envelope> & { policyName: DialoutPolicyName };

/** The contract's `CallRejectedV1` without its envelope, as a dial-out policy refusal fills it. */
export type CallRejectedData = Omit<CallRejectedV1, keyof Envelope> & {
  reason: typeof RejectionReasons.DialoutPolicyBlocked | typeof RejectionReasons.InvalidNumber | typeof RejectionReasons.UnknownUser;
  decidedBy: 'dialout-policy';
  details: {
    /** The control the call was judged under: CPC for meeting dial-out, PSTN for the user's own call. */
    control: DialoutControl;
    policyName: DialoutPolicyName;
    detail: string;
  };
};

/** What screening needs of a call to judge it, now or later. */
export interface ScreenedCall {
  callId: string;
  callType: DialoutCallType;
  userId: string;
  from: string;
  to: string;
  startedAt: string;
}

/** A call a dial-out policy judges, as it started: meeting dial-out or a user's own call, naming the user. */
export type OutboundCallStarted = CallStarted & { callType: DialoutCallType; userId: string };

export function isOutboundCallStarted(call: CallStarted): call is OutboundCallStarted {
  return (call.callType === 'conf_out' || call.callType === 'user_out') && call.userId !== undefined;
}

/** What screening reads of a started call. */
export function screenedCallOf(call: OutboundCallStarted): ScreenedCall {
  return { callId: call.callId, callType: call.callType, userId: call.userId, from: call.from, to: call.to, startedAt: call.occurredAt };
}

/** A started call as a referral hands it on: what screening and entitlement read of it, and its event id. */
export type ReferredCall = ScreenedCall & { startedEventId: string };

export function referredCallOf(call: OutboundCallStarted): ReferredCall {
  return { ...screenedCallOf(call), startedEventId: call.eventId };
}

/** The CallStarted a referral was made from (licensing's to dialout-policy, the pool's to licensing), as far as admission reads it. */
export function startedOfReferral(referral: ReferredCallFacts): OutboundCallStarted {
  return {
    eventId: referral.startedEventId,
    type: 'CallStarted',
    version: 1,
    occurredAt: referral.startedAt,
    tenantId: referral.tenantId,
    callId: referral.callId,
    callType: referral.callType,
    userId: referral.userId,
    from: referral.from,
    to: referral.to,
  };
}

/** A learned policy name as the catalogue's (null: none); undefined for a name outside it, which cannot be granted. */
export function catalogueNameOf(name: string | null): DialoutPolicyName | null | undefined {
  if (name === null) return null;
  return isDialoutPolicyName(name) ? name : undefined;
}

/** What screening needs of the user the policy belongs to (the organizer or the caller). */
export interface ScreenedUser {
  /** null: not known where the call is judged. */
  usageLocation: string | null;
  /** Their own policy; null: the Global one applies. */
  policyName: DialoutPolicyName | null;
}

/** A call's verdict: cleared, refused, or (without the user's usage location) not yet decidable. */
export type ScreeningVerdict =
  | { type: 'CallCleared'; data: CallClearedData }
  | { type: 'CallRejected'; data: CallRejectedData }
  | { type: 'Undecided'; data: { control: DialoutControl; policyName: DialoutPolicyName; detail: string } };

/**
 * The verdict of the user's effective policy (their own, else the Global one, else the default).
 * The one implementation of the dial-out policy rules, wherever a call is screened: the dial-out
 * policy service for the calls referred to it, licensing for the calls it admits in its own hop.
 * Without a usage location the call is judged on what does not depend on it: cleared (its facts
 * left to licensing) or refused at once when the answer is the same wherever the user is,
 * undecided only when a Domestic control needs it. `tenantCountries`: the usage locations of the
 * tenant's users, most users first, where an emergency short code of a caller whose usage
 * location is unknown most likely goes (read only then).
 */
export function screenCall(
  call: ScreenedCall,
  user: ScreenedUser,
  globalPolicy: DialoutPolicyName | null,
  tenantCountries: readonly string[] = [],
): ScreeningVerdict {
  const { policy, source } = effectivePolicy(user.policyName, globalPolicy);
  const control = controlOf(call.callType);
  const evaluation = evaluateDialout({
    callType: call.callType,
    to: call.to,
    usageLocation: user.usageLocation,
    policy,
    likelyCountries: user.usageLocation === null ? likelyCountries(call, tenantCountries) : [],
  });
  if (evaluation.allowed === null) return { type: 'Undecided', data: { control, policyName: policy.name, detail: evaluation.detail } };
  // The control that refused it, as the evaluation says; an invalid number names the call's own.
  if (!evaluation.allowed)
    return rejectedBy(call.callId, { reason: evaluation.reason, control: evaluation.control ?? control, policyName: policy.name, detail: evaluation.detail });

  return {
    type: 'CallCleared',
    data: {
      callId: call.callId,
      callType: call.callType,
      userId: call.userId,
      from: call.from,
      to: call.to,
      destinationCountry: evaluation.destinationCountry,
      usageLocation: user.usageLocation,
      domestic: evaluation.domestic,
      zoneA: evaluation.zoneA,
      emergency: evaluation.emergency,
      startedAt: call.startedAt,
      policyName: policy.name,
      policySource: source,
    },
  };
}

/** A dial-out policy refusal of a call, as the decision says it. */
export function rejectedBy(
  callId: string,
  refusal: { reason: CallRejectedData['reason']; control: DialoutControl; policyName: DialoutPolicyName; detail: string },
): { type: 'CallRejected'; data: CallRejectedData } {
  return {
    type: 'CallRejected',
    data: {
      callId,
      reason: refusal.reason,
      decidedBy: 'dialout-policy',
      details: { control: refusal.control, policyName: refusal.policyName, detail: refusal.detail },
    },
  };
}

/** Where a caller of unknown usage location most likely is: the tenant's countries, then the calling number's. */
function likelyCountries(call: ScreenedCall, tenantCountries: readonly string[]): string[] {
  const from = countryOfNumber(call.from);
  return from.ok ? [...tenantCountries, from.value] : [...tenantCountries];
}
