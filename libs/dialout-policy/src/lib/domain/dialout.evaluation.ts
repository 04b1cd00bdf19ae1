import { CallType, RejectionReasons } from '@comms-credits/contracts';
import { fail, ok, Result } from '@comms-credits/domain-kit';
import { CountryCode, countryOfNumber, isEmergencyNumber, isZoneA } from '@comms-credits/telephony';
import { CpcControl, PolicyDefinition, PstnControl } from './dialout-policy.catalogue';

/** The calls a dial-out policy judges: meeting dial-out and a user's own outbound call. */
export type DialoutCallType = Extract<CallType, 'conf_out' | 'user_out'>;

export interface DialoutInput {
  callType: DialoutCallType;
  /** E.164, or on `user_out` an emergency short code as dialled (design.md, CallStarted). */
  to: string;
  /**
   * The usage location of the user the policy belongs to: the organizer for `conf_out`, the
   * caller for `user_out`. Validated where it is set (`isIsoCountry`); an unknown one matches
   * no destination, so Domestic controls refuse everything and no short code is an emergency.
   */
  usageLocation: CountryCode;
  /** The user's effective policy (their own, or the tenant's Global one). */
  policy: PolicyDefinition;
}

/** What the pool, billing and rating stages need to know about an allowed call. */
export interface DialoutAllowed {
  allowed: true;
  destinationCountry: CountryCode;
  /** The destination is in the usage location's country. */
  domestic: boolean;
  /** The destination is a Zone A country (meeting dial-out there draws on the pool). */
  zoneA: boolean;
  /** An emergency short code of the usage location; it is then also the destination. */
  emergency: boolean;
}

export interface DialoutBlocked {
  allowed: false;
  reason: typeof RejectionReasons.DialoutPolicyBlocked | typeof RejectionReasons.InvalidNumber;
  /** The control that refused the call; absent when the number itself is not acceptable. */
  control?: 'CPC' | 'PSTN';
  policyName: string;
  /** For people: why, in one sentence. */
  detail: string;
}

export type DialoutEvaluation = DialoutAllowed | DialoutBlocked;

type Destination = Omit<DialoutAllowed, 'allowed'>;

/**
 * Stage 1 of admission: may this user place this call at all, whoever pays for it?
 *
 * `conf_out` is judged by the organizer's CPC control, `user_out` by the caller's PSTN control
 * (domain.md). The number is checked before the policy: a number that is not one is a bad
 * request whatever the policy says, so it is refused as INVALID_NUMBER, never as blocked.
 */
export function evaluateDialout(input: DialoutInput): DialoutEvaluation {
  const destination = resolveDestination(input);
  if (!destination.ok) {
    return {
      allowed: false,
      reason: RejectionReasons.InvalidNumber,
      policyName: input.policy.name,
      detail: destination.error,
    };
  }

  const refusal =
    input.callType === 'conf_out'
      ? cpcRefusal(input.policy.cpc, destination.value, input.usageLocation)
      : pstnRefusal(input.policy.pstn, destination.value, input.usageLocation);
  if (refusal === null) return { allowed: true, ...destination.value };

  return {
    allowed: false,
    reason: RejectionReasons.DialoutPolicyBlocked,
    control: input.callType === 'conf_out' ? 'CPC' : 'PSTN',
    policyName: input.policy.name,
    detail: `${input.policy.name}: ${refusal}; ${describe(input.to, destination.value)}.`,
  };
}

/**
 * Where the call goes. An E.164 number's country comes from the number itself. A short code is
 * accepted only on `user_out` and only when it is an emergency number of the caller's usage
 * location (the contract's one exception to E.164); it is then a domestic call.
 */
function resolveDestination({ callType, to, usageLocation }: DialoutInput): Result<Destination, string> {
  if (!to.startsWith('+')) {
    if (callType === 'conf_out') {
      return fail(`meeting dial-out needs an E.164 number; ${JSON.stringify(to)} is not one (short codes are only for a user's own emergency calls)`);
    }
    if (!isEmergencyNumber(to, usageLocation)) {
      return fail(`${JSON.stringify(to)} is neither an E.164 number nor an emergency number in ${usageLocation}`);
    }
    return ok({ destinationCountry: usageLocation, domestic: true, zoneA: isZoneA(usageLocation), emergency: true });
  }

  const country = countryOfNumber(to);
  if (!country.ok) return fail(country.error.message);
  return ok({
    destinationCountry: country.value,
    domestic: country.value === usageLocation,
    zoneA: isZoneA(country.value),
    emergency: false,
  });
}

/**
 * Why the organizer's CPC control refuses a meeting dial-out, or null when it allows it.
 *
 * Decision: `ZoneA` allows Zone A destinations only, even a domestic number outside Zone A
 * (an organizer in Egypt cannot dial an Egyptian number). Microsoft's wording is "users can
 * dial out to Zone A countries/regions", with no exception for domestic calls, and domain.md
 * adds none.
 */
function cpcRefusal(cpc: CpcControl, to: Destination, usageLocation: CountryCode): string | null {
  switch (cpc) {
    case 'Any':
      return null;
    case 'Domestic':
      return to.domestic ? null : `CPC Domestic allows meeting dial-out only within ${usageLocation}`;
    case 'ZoneA':
      return to.zoneA ? null : 'CPC ZoneA allows meeting dial-out only to Zone A countries and regions';
    case 'Disabled':
      return 'CPC Disabled allows no meeting dial-out';
  }
}

/** Why the caller's PSTN control refuses the call, or null when it allows it. Emergency always passes. */
function pstnRefusal(pstn: PstnControl, to: Destination, usageLocation: CountryCode): string | null {
  if (to.emergency) return null;
  switch (pstn) {
    case 'International':
      return null;
    case 'Domestic':
      return to.domestic ? null : `PSTN Domestic allows calls only within ${usageLocation}`;
    case 'Disabled':
      return 'PSTN Disabled allows emergency calls only';
  }
}

function describe(to: string, destination: Destination): string {
  return `${to} is in ${destination.destinationCountry}${destination.zoneA ? ' (Zone A)' : ' (not Zone A)'}`;
}
