import { CAPABILITIES, Capability, Funding, RejectionReasons } from '@comms-credits/contracts';
import { Entitlements, SELECT_DIAL_OUT_COUNTRIES, callingPlanCapability } from './licences';

/** The facts stage 2 judges (from the dial-out policy stage's CallCleared). */
export interface OutboundCall {
  callType: 'conf_out' | 'user_out';
  destinationCountry: string;
  domestic: boolean;
  zoneA: boolean;
  emergency: boolean;
}

export type EntitlementOutcome =
  /** Settled here: no funding stage needed. */
  | { kind: 'admit'; funding: Extract<Funding, 'calling-plan' | 'free'>; capability: Capability | null }
  | { kind: 'reject'; reason: string; detail: string }
  /** Needs funding: handed to the pool (and, past it, the wallet). */
  | { kind: 'fund'; poolEligible: boolean; creditsLicensed: boolean; capability: Capability };

/**
 * Admission stage 2 (domain.md): which licences the call needs, and what the organizer or
 * caller is entitled to. Pure.
 */
export function entitle(call: OutboundCall, has: Entitlements): EntitlementOutcome {
  return call.callType === 'conf_out' ? entitleDialOut(call, has) : entitlePstnCall(call, has);
}

function entitleDialOut(call: OutboundCall, has: Entitlements): EntitlementOutcome {
  if (!has.audioConferencing) {
    return reject(RejectionReasons.NoAudioConferencingLicense, 'the meeting organizer has no Audio Conferencing licence');
  }
  if (has.selectDialOutOnly && !SELECT_DIAL_OUT_COUNTRIES.includes(call.destinationCountry)) {
    return reject(
      RejectionReasons.NoAudioConferencingLicense,
      `Audio Conferencing Select Dial Out dials out to US and CA only, not ${call.destinationCountry}`,
    );
  }
  if (has.payPerMinuteOnly) {
    // Pay-per-minute conferencing has no pool: every minute is billed to credits.
    if (!has.communicationsCredits) {
      return reject(RejectionReasons.NoCommunicationsCreditsLicense, 'pay-per-minute dial-out is billed to credits, which needs the Communications Credits licence');
    }
    return { kind: 'fund', poolEligible: false, creditsLicensed: true, capability: CAPABILITIES.AudioConferencingPayPerMinute };
  }
  const poolEligible = has.pooledDialOut && call.zoneA;
  if (!poolEligible && !has.communicationsCredits) {
    return reject(
      RejectionReasons.NoCommunicationsCreditsLicense,
      `dial-out to ${call.destinationCountry} (outside Zone A) is billed to credits, which needs the organizer's Communications Credits licence`,
    );
  }
  return { kind: 'fund', poolEligible, creditsLicensed: has.communicationsCredits, capability: CAPABILITIES.AudioConferencing };
}

function entitlePstnCall(call: OutboundCall, has: Entitlements): EntitlementOutcome {
  const planCapability = callingPlanCapability(has.callingPlan);
  if (call.emergency) return { kind: 'admit', funding: 'free', capability: planCapability };
  if (!has.phoneSystem) return reject(RejectionReasons.NoPhoneSystemLicense, 'the caller has no Phone System licence');
  if (has.callingPlan === 'none') return reject(RejectionReasons.NoCallingPlan, 'the caller has no calling plan');
  if (call.domestic || has.callingPlan === 'international') {
    return { kind: 'admit', funding: 'calling-plan', capability: planCapability };
  }
  // International on a domestic plan: billed to credits.
  if (!has.communicationsCredits) {
    return reject(
      RejectionReasons.NoCommunicationsCreditsLicense,
      `a call to ${call.destinationCountry} on a domestic calling plan is billed to credits, which needs the caller's Communications Credits licence`,
    );
  }
  return { kind: 'fund', poolEligible: false, creditsLicensed: true, capability: CAPABILITIES.CommunicationsCredits };
}

function reject(reason: string, detail: string): EntitlementOutcome {
  return { kind: 'reject', reason, detail };
}
