import { DomainError, Result, fail, ok } from '@comms-credits/domain-kit';
import { Exact } from './money';
import { RateBook } from './rate-book';
import { Rate, RateCard } from './rate-card';

/**
 * What every version of the rate card must price (domain.md, "Rates"): a dial-out rate for every
 * region libphonenumber knows, a toll-free inbound rate for every country with stocked numbers.
 * Generated with the sample card (`rates/rate-coverage.json`).
 */
export interface RateCoverage {
  dialOut: readonly string[];
  tollFreeInbound: readonly string[];
}

/** A new version of the rate card, on its own stream `rate-card:<version>`; never changed after. */
export interface RateCardPublished {
  type: 'RateCardPublished';
  data: { card: RateCard; publishedAt: string; publishedBy: string };
}

export interface PublicationContext {
  now: string;
  /**
   * How far ahead of `now` a version must take effect at the least: every instance's cached
   * rate book is reloaded within this time, so none prices a call by a stale book.
   */
  minLeadMs: number;
  /** Who publishes it: the authenticated operator. */
  publishedBy: string;
  coverage: RateCoverage;
}

export interface RateProblem {
  name: string;
  reason: string;
}

/** A decimal string of at most 6 decimals, no sign, no exponent: rates are finer than cents. */
const AMOUNT = /^\d{1,6}(\.\d{1,6})?$/;
/** A guard against a misplaced decimal point ("35" for "0.35"): no sample price comes close. */
const MAX_AMOUNT = new Exact(10);

export const RateCardErrors = {
  versionExists: (version: string) =>
    new DomainError('RATES.VERSION_EXISTS', `rate card version ${version} is already published, and a published version never changes`, 'conflict', {
      version,
    }),
  effectiveFromTaken: (version: string, effectiveFrom: string) =>
    new DomainError('RATES.EFFECTIVE_FROM_TAKEN', `version ${version} already takes effect at ${effectiveFrom}`, 'conflict', { version, effectiveFrom }),
  notInFuture: (effectiveFrom: string, earliest: string) =>
    new DomainError(
      'RATES.EFFECTIVE_FROM_NOT_IN_FUTURE',
      `effectiveFrom ${effectiveFrom} must be after ${earliest}: a published card only prices calls still to come`,
      'rule',
      {
        effectiveFrom,
        earliest,
      },
    ),
  currencyMismatch: (requested: string, expected: string) =>
    new DomainError('RATES.CURRENCY_MISMATCH', `rate cards are in ${expected}, the wallets' currency: ${requested} is refused`, 'rule', {
      requested,
      expected,
    }),
  invalidRates: (problems: RateProblem[]) =>
    new DomainError('RATES.INVALID_RATE', problems.map((p) => `${p.name}: ${p.reason}`).join('; '), 'rule', { invalidRates: problems }),
  countriesMissing: (missing: { dialOut: string[]; tollFreeInbound: string[] }) =>
    new DomainError(
      'RATES.COUNTRY_MISSING',
      `the card has no rate for ${[...missing.dialOut.map((c) => `dialOut ${c}`), ...missing.tollFreeInbound.map((c) => `tollFreeInbound ${c}`)].join(', ')}`,
      'rule',
      { missing },
    ),
};

/**
 * Decides the publication of a new version: refused when the version exists or another takes
 * effect at the same instant (409), when a figure is invalid, the currency is not the wallet's,
 * a country is missing, or it would take effect too soon (422). Otherwise one event.
 */
export function decidePublication(book: RateBook, card: RateCard, context: PublicationContext): Result<RateCardPublished, DomainError> {
  if (book.has(card.version)) return fail(RateCardErrors.versionExists(card.version));
  const problems = rateProblems(card, context.coverage);
  if (problems.length > 0) return fail(RateCardErrors.invalidRates(problems));
  if (card.currency !== book.currency) return fail(RateCardErrors.currencyMismatch(card.currency, book.currency));
  const missing = missingCountries(card, context.coverage);
  if (missing.dialOut.length + missing.tollFreeInbound.length > 0) return fail(RateCardErrors.countriesMissing(missing));
  const earliest = new Date(Date.parse(context.now) + context.minLeadMs);
  if (Date.parse(card.effectiveFrom) <= earliest.getTime()) return fail(RateCardErrors.notInFuture(card.effectiveFrom, earliest.toISOString()));
  const taken = book.effectiveAt(card.effectiveFrom);
  if (taken) return fail(RateCardErrors.effectiveFromTaken(taken.version, taken.effectiveFrom));
  return ok({ type: 'RateCardPublished', data: { card, publishedAt: context.now, publishedBy: context.publishedBy } });
}

/**
 * What is wrong with the figures themselves, every problem named: amounts that are not decimal
 * strings of at most 6 decimals up to 10, a per-minute rate of zero (a call billed for nothing
 * is not a price), countries libphonenumber does not know, a country priced twice in a list.
 */
export function rateProblems(card: RateCard, coverage: RateCoverage): RateProblem[] {
  const known = new Set(coverage.dialOut);
  const listProblems = (list: 'dialOut' | 'tollFreeInbound') => {
    const seen = new Set<string>();
    return card[list].flatMap((rate, i) => {
      const name = `${list}.${i}`;
      const problems = [
        ...amountProblems(`${name}.perMinute`, rate.perMinute, { allowZero: false }),
        ...amountProblems(`${name}.connectionFee`, rate.connectionFee, { allowZero: true }),
      ];
      if (!known.has(rate.country)) problems.push({ name: `${name}.country`, reason: `${rate.country} is not a region libphonenumber knows` });
      if (seen.size === seen.add(rate.country).size) problems.push({ name: `${name}.country`, reason: `${rate.country} has more than one rate` });
      return problems;
    });
  };
  return [...listProblems('dialOut'), ...listProblems('tollFreeInbound')];
}

function amountProblems(name: string, amount: string, { allowZero }: { allowZero: boolean }): RateProblem[] {
  if (!AMOUNT.test(amount)) return [{ name, reason: `${JSON.stringify(amount)} is not a decimal string such as "0.0349" (at most 6 decimals)` }];
  const value = new Exact(amount);
  if (value.greaterThan(MAX_AMOUNT)) return [{ name, reason: `${amount} is more than ${MAX_AMOUNT.toString()}: a misplaced decimal point?` }];
  if (!allowZero && value.isZero()) return [{ name, reason: 'a per-minute rate of 0 would bill calls for nothing' }];
  return [];
}

/** The countries of the coverage the card has no rate for, per list. */
export function missingCountries(card: RateCard, coverage: RateCoverage): { dialOut: string[]; tollFreeInbound: string[] } {
  const lacking = (rates: Rate[], required: readonly string[]) => {
    const priced = new Set(rates.map((r) => r.country));
    return required.filter((c) => !priced.has(c));
  };
  return { dialOut: lacking(card.dialOut, coverage.dialOut), tollFreeInbound: lacking(card.tollFreeInbound, coverage.tollFreeInbound) };
}
