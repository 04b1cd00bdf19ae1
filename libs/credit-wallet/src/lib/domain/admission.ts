import { HandOverReason, RejectionReasons } from '@comms-credits/contracts';
import { Minor, formatMinor } from './money';
import { affordableContinuationMinutes, affordableMinutes, callCharge, overflowCharge } from './pricing';
import { AppliedRate, RateKind, RateTable } from './rate-card';

/** What stage 4 is asked to fund: a dial-out the pool handed on, or an inbound toll-free call. */
export type FundingRequest =
  | {
      source: 'pool-hand-over';
      callId: string;
      userId: string;
      /** Why the pool did not fund it. */
      reason: Exclude<HandOverReason, 'POOL_CONTINUATION'>;
      creditsLicensed: boolean;
      destinationCountry: string;
      emergency: boolean;
    }
  /**
   * A Zone A dial-out the pool covers for `poolSeconds` only (it reserved them): the wallet
   * may hold for up to `maxCreditSeconds` more. Emergency calls never come this way.
   */
  | {
      source: 'pool-continuation';
      callId: string;
      userId: string;
      creditsLicensed: boolean;
      destinationCountry: string;
      poolSeconds: number;
      maxCreditSeconds: number;
    }
  | { source: 'toll-free'; callId: string; numberCountry: string };

/** The wallet as admission sees it. */
export interface Funds {
  billingSetUp: boolean;
  /** balance − held − owed, floored at 0. */
  available: Minor;
  /** Charges the lots could not cover, paid first by the next funds. */
  owed: Minor;
}

export type Missing = 'COMMUNICATIONS_CREDITS_LICENSE' | 'BILLING' | 'FUNDS';
/** Why a continuation stays on the pool's part only. */
export type PoolOnlyCause = Missing | 'RATE' | 'OWED';

export type AdmissionOutcome =
  | { kind: 'admit'; rate: AppliedRate; grantedMinutes: number; hold: Minor }
  /** Emergency calls are never refused for money (stage 2 admits them; this is the backstop). */
  | { kind: 'admit-free' }
  | { kind: 'reject'; reason: string; details: Record<string, unknown> }
  /** A continuation on credits: `creditMinutes` more, held at the per-minute rate. */
  | { kind: 'continue'; rate: AppliedRate; creditMinutes: number; hold: Minor }
  /** A continuation the wallet cannot fund: the call runs for the pool's part only. */
  | { kind: 'pool-only'; cause: PoolOnlyCause };

/**
 * Admission stage 4 (design.md), pure. Checks, in order: the credits licence where the call
 * needs one, a rate for the country, billing set up, and enough available money for the first
 * increment (+ connection fee). The hold is the charge of the granted minutes: the most whole
 * minutes `available` pays for, up to `capMinutes`, so no settled charge exceeds its hold and
 * holds never promise more than the balance.
 */
export function decideFunding(request: FundingRequest, funds: Funds, rates: RateTable, capMinutes: number): AdmissionOutcome {
  if (request.source === 'pool-continuation') return decideContinuation(request, funds, rates);
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
    return {
      kind: 'reject',
      reason: RejectionReasons.NoRateForDestination,
      details: { rateKind: kind, country, detail: `the rate card has no ${kind} rate for ${country}` },
    };
  }
  if (!funds.billingSetUp) {
    return refuse('BILLING', RejectionReasons.InsufficientCredits, { detail: 'billed credits are not set up: the wallet has never been funded' });
  }
  if (funds.owed > 0n) {
    return refuse('FUNDS', RejectionReasons.InsufficientCredits, {
      owed: formatMinor(funds.owed, rate.currency),
      available: formatMinor(funds.available, rate.currency),
      currency: rate.currency,
      detail: `the wallet owes ${formatMinor(funds.owed, rate.currency)} ${rate.currency} from earlier charges: new funds pay it first`,
    });
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

/**
 * A continuation on credits (domain.md, "The pool reserves what it grants"): with the licence,
 * a rate, billing set up, nothing owed and a positive available balance, the wallet holds for
 * the most whole minutes the available money pays at the per-minute rate (no connection fee),
 * up to `maxCreditSeconds`; otherwise the call runs for the pool's part only. Never a rejection:
 * the pool has already reserved its part.
 */
function decideContinuation(request: Extract<FundingRequest, { source: 'pool-continuation' }>, funds: Funds, rates: RateTable): AdmissionOutcome {
  if (!request.creditsLicensed) return { kind: 'pool-only', cause: 'COMMUNICATIONS_CREDITS_LICENSE' };
  const rate = rates.lookup('dial-out', request.destinationCountry);
  if (!rate) return { kind: 'pool-only', cause: 'RATE' };
  if (!funds.billingSetUp) return { kind: 'pool-only', cause: 'BILLING' };
  if (funds.owed > 0n) return { kind: 'pool-only', cause: 'OWED' };
  const creditMinutes = affordableContinuationMinutes(rate, funds.available, Math.floor(request.maxCreditSeconds / 60));
  if (creditMinutes === 0) return { kind: 'pool-only', cause: 'FUNDS' };
  return { kind: 'continue', rate, creditMinutes, hold: overflowCharge(rate, creditMinutes) };
}

function rateKeyOf(request: Exclude<FundingRequest, { source: 'pool-continuation' }>): [RateKind, string] {
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
