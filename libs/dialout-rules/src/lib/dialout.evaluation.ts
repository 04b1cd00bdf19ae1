import { CallType, RejectionReasons } from '@comms-credits/contracts';
import { fail, ok, Result } from '@comms-credits/domain-kit';
import { CountryCode, countryOfNumber, emergencyCountriesOf, isEmergencyNumber, isZoneA } from '@comms-credits/telephony';
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
   * null: licensing has not named it to this service yet. The call is then judged on what does
   * not depend on it, and the answer may be that it cannot be judged yet (`allowed: null`).
   */
  usageLocation: CountryCode | null;
  /** The user's effective policy (their own, or the tenant's Global one). */
  policy: PolicyDefinition;
  /**
   * Where a caller whose usage location is unknown most likely is, most likely first (the
   * tenant's countries, the country of the calling number): an emergency short code is taken
   * to be the emergency number of the first of these where it is one, else of the first country
   * (alphabetically) where it is one. Read only when `usageLocation` is null.
   */
  likelyCountries?: readonly CountryCode[];
}

/** What the pool, billing and rating stages need to know about an allowed call. */
export interface DialoutAllowed {
  allowed: true;
  destinationCountry: CountryCode;
  /** The destination is in the usage location's country; null while the usage location is unknown. */
  domestic: boolean | null;
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

/**
 * The control's answer hangs on the usage location, which is not known yet (a Domestic control
 * and a call that may or may not be domestic). Every other answer is given without it.
 */
export interface DialoutUndecided {
  allowed: null;
  control: 'CPC' | 'PSTN';
  policyName: string;
  /** For people: what the answer waits for. */
  detail: string;
}

export type DialoutEvaluation = DialoutAllowed | DialoutBlocked | DialoutUndecided;

type Destination = Omit<DialoutAllowed, 'allowed'>;

/** A control's answer: allowed, refused (and why), or unknown until the usage location is. */
type ControlVerdict = { refused: false } | { refused: true; why: string } | { refused: null; why: string };
const ALLOWED: ControlVerdict = { refused: false };

/**
 * Stage 1 of admission: may this user place this call at all, whoever pays for it?
 *
 * `conf_out` is judged by the organizer's CPC control, `user_out` by the caller's PSTN control
 * (domain.md). The number is checked before the policy: a number that is not one is a bad
 * request whatever the policy says, so it is refused as INVALID_NUMBER, never as blocked.
 * Without the usage location, only a Domestic control on a non-emergency call has no answer.
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

  const control = input.callType === 'conf_out' ? 'CPC' : 'PSTN';
  const verdict =
    input.callType === 'conf_out'
      ? cpcVerdict(input.policy.cpc, destination.value, input.usageLocation)
      : pstnVerdict(input.policy.pstn, destination.value, input.usageLocation);
  if (verdict.refused === false) return { allowed: true, ...destination.value };
  if (verdict.refused === null) {
    return { allowed: null, control, policyName: input.policy.name, detail: `${input.policy.name}: ${verdict.why}; ${describe(input.to, destination.value)}.` };
  }
  return {
    allowed: false,
    reason: RejectionReasons.DialoutPolicyBlocked,
    control,
    policyName: input.policy.name,
    detail: `${input.policy.name}: ${verdict.why}; ${describe(input.to, destination.value)}.`,
  };
}

/**
 * Where the call goes. An E.164 number's country comes from the number itself. A short code is
 * accepted only on `user_out` and only when it is an emergency number of the caller's usage
 * location (the contract's one exception to E.164); it is then a domestic call. A caller whose
 * usage location is not known yet gets the benefit of the doubt (domain.md, "Emergency calls
 * always go through"): a short code that is an emergency number anywhere is one.
 */
function resolveDestination({ callType, to, usageLocation, likelyCountries = [] }: DialoutInput): Result<Destination, string> {
  if (!to.startsWith('+')) {
    if (callType === 'conf_out') {
      return fail(`meeting dial-out needs an E.164 number; ${JSON.stringify(to)} is not one (short codes are only for a user's own emergency calls)`);
    }
    if (usageLocation === null) return unknownCallersEmergency(to, likelyCountries);
    if (!isEmergencyNumber(to, usageLocation)) {
      return fail(`${JSON.stringify(to)} is neither an E.164 number nor an emergency number in ${usageLocation}`);
    }
    return ok({ destinationCountry: usageLocation, domestic: true, zoneA: isZoneA(usageLocation), emergency: true });
  }

  const country = countryOfNumber(to);
  if (!country.ok) return fail(country.error.message);
  return ok({
    destinationCountry: country.value,
    domestic: usageLocation === null ? null : country.value === usageLocation,
    zoneA: isZoneA(country.value),
    emergency: false,
  });
}

/** An emergency short code from a caller whose usage location is unknown: where it most likely goes. */
function unknownCallersEmergency(to: string, likelyCountries: readonly CountryCode[]): Result<Destination, string> {
  const countries = emergencyCountriesOf(to);
  const country = likelyCountries.find((c) => countries.includes(c)) ?? countries[0];
  if (country === undefined) return fail(`${JSON.stringify(to)} is neither an E.164 number nor an emergency number in any country`);
  return ok({ destinationCountry: country, domestic: null, zoneA: isZoneA(country), emergency: true });
}

const UNKNOWN_LOCATION = 'which licensing has not named yet';

/**
 * The organizer's CPC control on a meeting dial-out.
 *
 * Decision: `ZoneA` allows Zone A destinations only, even a domestic number outside Zone A
 * (an organizer in Egypt cannot dial an Egyptian number). Microsoft's wording is "users can
 * dial out to Zone A countries/regions", with no exception for domestic calls, and domain.md
 * adds none.
 */
function cpcVerdict(cpc: CpcControl, to: Destination, usageLocation: CountryCode | null): ControlVerdict {
  switch (cpc) {
    case 'Any':
      return ALLOWED;
    case 'Domestic':
      if (to.domestic === null)
        return { refused: null, why: `CPC Domestic allows meeting dial-out only within the organizer's usage location, ${UNKNOWN_LOCATION}` };
      return to.domestic ? ALLOWED : { refused: true, why: `CPC Domestic allows meeting dial-out only within ${usageLocation}` };
    case 'ZoneA':
      return to.zoneA ? ALLOWED : { refused: true, why: 'CPC ZoneA allows meeting dial-out only to Zone A countries and regions' };
    case 'Disabled':
      return { refused: true, why: 'CPC Disabled allows no meeting dial-out' };
  }
}

/** The caller's PSTN control on their own call. Emergency always passes. */
function pstnVerdict(pstn: PstnControl, to: Destination, usageLocation: CountryCode | null): ControlVerdict {
  if (to.emergency) return ALLOWED;
  switch (pstn) {
    case 'International':
      return ALLOWED;
    case 'Domestic':
      if (to.domestic === null) return { refused: null, why: `PSTN Domestic allows calls only within the caller's usage location, ${UNKNOWN_LOCATION}` };
      return to.domestic ? ALLOWED : { refused: true, why: `PSTN Domestic allows calls only within ${usageLocation}` };
    case 'Disabled':
      return { refused: true, why: 'PSTN Disabled allows emergency calls only' };
  }
}

function describe(to: string, destination: Destination): string {
  return `${to} is in ${destination.destinationCountry}${destination.zoneA ? ' (Zone A)' : ' (not Zone A)'}`;
}
