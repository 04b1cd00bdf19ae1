import { CAPABILITIES, Capability, Sku } from '@comms-credits/contracts';

/** What a set of assigned SKUs lets a user do (domain.md, "Licences"). */
export interface Entitlements {
  /** Meeting dial-out at all (E5, Audio Conferencing, PPM or Select Dial Out). */
  audioConferencing: boolean;
  /** Draws on the tenant's pool for Zone A dial-out (E5, Audio Conferencing, Select Dial Out). */
  pooledDialOut: boolean;
  /** Only Select Dial Out: dial-out to US and CA only. */
  selectDialOutOnly: boolean;
  /** Only pay-per-minute conferencing: every dial-out is billed to credits. */
  payPerMinuteOnly: boolean;
  communicationsCredits: boolean;
  phoneSystem: boolean;
  callingPlan: 'none' | 'domestic' | 'international';
}

export const SELECT_DIAL_OUT_COUNTRIES: readonly string[] = ['US', 'CA'];

/** SKUs that are free and unlimited: assignable without buying seats. */
export const UNLIMITED_SKUS: readonly Sku[] = ['COMMUNICATIONS_CREDITS'];

export function entitlementsOf(skus: Iterable<Sku>): Entitlements {
  const has = new Set(skus);
  const pooled = has.has('OFFICE_365_E5') || has.has('AUDIO_CONFERENCING');
  const select = has.has('AUDIO_CONFERENCING_SELECT_DIAL_OUT');
  const ppm = has.has('AUDIO_CONFERENCING_PPM');
  return {
    audioConferencing: pooled || select || ppm,
    pooledDialOut: pooled || select,
    selectDialOutOnly: select && !pooled && !ppm,
    payPerMinuteOnly: ppm && !pooled && !select,
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
