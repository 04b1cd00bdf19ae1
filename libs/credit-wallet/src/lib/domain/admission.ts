import { HandOverReason, RejectionReasons } from '@comms-credits/contracts';
import { Minor, formatMinor } from './money';
import { affordableMinutes, callCharge } from './pricing';
import { AppliedRate, RateKind, RateTable } from './rate-card';


/** What stage 4 is asked to fund: a dial-out the pool handed on, or an inbound toll-free call. */
export type FundingRequest =
  | {
      source: 'pool-hand-over';
      callId: string;
      userId: string;
      /** Why the pool did not fund it. */
      reason: HandOverReason;
      creditsLicensed: boolean;
      destinationCountry: string;
      emergency: boolean;
    }
  | { source: 'toll-free'; callId: string; numberCountry: string };

/** The wallet as admission sees it. */
export interface Funds {
  billingSetUp: boolean;
  available: Minor;
}

export type Missing = 'COMMUNICATIONS_CREDITS_LICENSE' | 'BILLING' | 'FUNDS';

export type AdmissionOutcome =
  | { kind: 'admit'; rate: AppliedRate; grantedMinutes: number; hold: Minor }
  /** Emergency calls are never refused for money (stage 2 admits them; this is the backstop). */
  | { kind: 'admit-free' }
  | { kind: 'reject'; reason: string; details: Record<string, unknown> };

/**
 * Admission stage 4 (design.md), pure. Checks, in order: the credits licence where the call
 * needs one, a rate for the country, billing set up, and enough available money for the first
 * increment (+ connection fee). The hold is the charge of the granted minutes: the most whole
 * minutes `available` pays for, up to `capMinutes`, so no settled charge exceeds its hold and
 * holds never promise more than the balance.
 */
export function decideFunding(request: FundingRequest, funds: Funds, rates: RateTable, capMinutes: number): AdmissionOutcome {
  if (request.source === 'pool-hand-over' && request.emergency) return { kind: 'admit-free' };
  const refuse = refusalOf(request);
  if (request.source === 'pool-hand-over' && !request.creditsLicensed) {
    return refuse('COMMUNICATIONS_CREDITS_LICENSE', RejectionReasons.NoCommunicationsCreditsLicense, {
      userId: request.userId,
      detail: 'billing a call to credits needs the Communications Credits licence on the organizer or caller',
    });
  }
  const [kind, country] = rateKeyOf(request);
  const rate = rates.lookup(kind, country);
  if (!rate) {
    return { kind: 'reject', reason: RejectionReasons.NoRateForDestination, details: { rateKind: kind, country, detail: `the rate card has no ${kind} rate for ${country}` } };
  }
  if (!funds.billingSetUp) {
    return refuse('BILLING', RejectionReasons.InsufficientCredits, { detail: 'billed credits are not set up: the wallet has never been funded' });
  }
  const grantedMinutes = affordableMinutes(rate, funds.available, capMinutes);
  if (grantedMinutes === 0) {
    return refuse('FUNDS', RejectionReasons.InsufficientCredits, {
      available: formatMinor(funds.available, rate.currency),
      required: formatMinor(callCharge(rate, 60), rate.currency),
      currency: rate.currency,
      detail: 'the available balance does not pay for the first minute',
    });
  }
  return { kind: 'admit', rate, grantedMinutes, hold: callCharge(rate, grantedMinutes * 60) };
}

function rateKeyOf(request: FundingRequest): [RateKind, string] {
  return request.source === 'toll-free' ? ['toll-free-inbound', request.numberCountry] : ['dial-out', request.destinationCountry];
}

/**
 * The refusal of a call that cannot be funded. A call the pool could not fund because it is
 * used up is `POOL_EXHAUSTED_NO_CREDITS` whatever is missing (the details say what); any other
 * call gets the reason of what is missing.
 */
function refusalOf(request: FundingRequest) {
  return (missing: Missing, reason: string, details: Record<string, unknown>): AdmissionOutcome => {
    const poolExhausted = request.source === 'pool-hand-over' && request.reason === 'POOL_EXHAUSTED';
    return { kind: 'reject', reason: poolExhausted ? RejectionReasons.PoolExhaustedNoCredits : reason, details: { missing, ...details } };
  };
}
