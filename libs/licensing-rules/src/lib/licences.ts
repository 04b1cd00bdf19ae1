import { CAPABILITIES, Capability, Sku } from '@comms-credits/contracts';

/** What a set of assigned SKUs lets a user do (domain.md, "Licences"). */
export interface Entitlements {
  /** E5 or Audio Conferencing: meeting dial-out anywhere; Zone A destinations draw on the pool. */
  audioConferencing: boolean;
  /** Select Dial Out: meeting dial-out to US and CA only, drawn on the pool. */
  selectDialOut: boolean;
  /** Pay-per-minute conferencing: meeting dial-out anywhere, always billed to credits, never the pool. */
  payPerMinute: boolean;
  communicationsCredits: boolean;
  phoneSystem: boolean;
  callingPlan: 'none' | 'domestic' | 'international';
}

export const SELECT_DIAL_OUT_COUNTRIES: readonly string[] = ['US', 'CA'];

/** SKUs that are free and unlimited: assignable without buying seats. */
export const UNLIMITED_SKUS: readonly Sku[] = ['COMMUNICATIONS_CREDITS'];

/**
 * One flag per licence that matters to a call, never a flag for a combination: the rules of
 * stage 2 combine them (an organizer may hold Select Dial Out and pay-per-minute together).
 */
export function entitlementsOf(skus: Iterable<Sku>): Entitlements {
  const has = new Set(skus);
  return {
    audioConferencing: has.has('OFFICE_365_E5') || has.has('AUDIO_CONFERENCING'),
    selectDialOut: has.has('AUDIO_CONFERENCING_SELECT_DIAL_OUT'),
    payPerMinute: has.has('AUDIO_CONFERENCING_PPM'),
    communicationsCredits: has.has('COMMUNICATIONS_CREDITS'),
    phoneSystem: has.has('OFFICE_365_E5') || has.has('PHONE_SYSTEM'),
    callingPlan: has.has('INTERNATIONAL_CALLING_PLAN') ? 'international' : has.has('DOMESTIC_CALLING_PLAN') ? 'domestic' : 'none',
  };
}

export function callingPlanCapability(plan: Entitlements['callingPlan']): Capability | null {
  if (plan === 'international') return CAPABILITIES.InternationalCallingPlan;
  if (plan === 'domestic') return CAPABILITIES.DomesticCallingPlan;
  return null;
}
