import { CAPABILITIES, Capability, Funding, RejectionReasons } from '@comms-credits/contracts';
import { Entitlements, SELECT_DIAL_OUT_COUNTRIES, callingPlanCapability } from './licences';

/** The facts stage 2 judges (from the dial-out policy stage's CallCleared). */
export interface OutboundCall {
  callType: 'conf_out' | 'user_out';
  destinationCountry: string;
  /**
   * In the user's usage location. null when neither stage knows the usage location: such a
   * user holds no licence (licensing assigns none without it), so only an emergency call passes.
   */
  domestic: boolean | null;
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

/**
 * Meeting dial-out, by the organizer's licences (domain.md, "The pool reserves what it grants"):
 * - pool-eligible iff E5 / Audio Conferencing and a Zone A destination, or Select Dial Out and
 *   a US or CA destination. Pay-per-minute never makes a call pool-eligible;
 * - a call that is not pool-eligible is billed to credits when a licence allows the destination
 *   (E5 / Audio Conferencing or pay-per-minute allow any; Select Dial Out only US and CA), which
 *   needs the organizer's Communications Credits licence.
 *
 * The capability is the conferencing licence the call is made under: Audio Conferencing
 * (MCOMEETADD) for the pool and for E5 / Audio Conferencing billed to credits, pay-per-minute
 * (MCOMEETACPEA) when only that licence allows the call.
 */
function entitleDialOut(call: OutboundCall, has: Entitlements): EntitlementOutcome {
  if (!has.audioConferencing && !has.selectDialOut && !has.payPerMinute) {
    return reject(RejectionReasons.NoAudioConferencingLicense, 'the meeting organizer has no Audio Conferencing licence');
  }
  const selectCovers = has.selectDialOut && SELECT_DIAL_OUT_COUNTRIES.includes(call.destinationCountry);
  const poolEligible = (has.audioConferencing && call.zoneA) || selectCovers;
  if (poolEligible) return { kind: 'fund', poolEligible, creditsLicensed: has.communicationsCredits, capability: CAPABILITIES.AudioConferencing };

  if (!has.audioConferencing && !has.payPerMinute) {
    return reject(
      RejectionReasons.NoAudioConferencingLicense,
      `Audio Conferencing Select Dial Out dials out to US and CA only, not ${call.destinationCountry}`,
    );
  }
  if (!has.communicationsCredits) {
    const why = has.audioConferencing
      ? `dial-out to ${call.destinationCountry} (outside Zone A) is billed to credits`
      : `pay-per-minute dial-out to ${call.destinationCountry} is billed to credits`;
    return reject(RejectionReasons.NoCommunicationsCreditsLicense, `${why}, which needs the organizer's Communications Credits licence`);
  }
  const capability = has.audioConferencing ? CAPABILITIES.AudioConferencing : CAPABILITIES.AudioConferencingPayPerMinute;
  return { kind: 'fund', poolEligible: false, creditsLicensed: true, capability };
}

function entitlePstnCall(call: OutboundCall, has: Entitlements): EntitlementOutcome {
  const planCapability = callingPlanCapability(has.callingPlan);
  if (call.emergency) return { kind: 'admit', funding: 'free', capability: planCapability };
  if (!has.phoneSystem) return reject(RejectionReasons.NoPhoneSystemLicense, 'the caller has no Phone System licence');
  if (has.callingPlan === 'none') return reject(RejectionReasons.NoCallingPlan, 'the caller has no calling plan');
  if (call.domestic === null)
    return reject(RejectionReasons.UnknownUser, 'no usage location is known for the caller, so a domestic call cannot be told from an international one');
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
