import { CURRENCIES, Currency, Money } from '@comms-credits/contracts';
import Decimal from 'decimal.js';

/**
 * Money is exact (domain.md): the ledger keeps integer minor units (cents) as `bigint`, so
 * sums, differences and comparisons are exact; rates × durations are computed with decimals
 * and rounded half-up to the minor unit once, by `roundToMinor`.
 */
export type Minor = bigint;

/** Decimal places of each currency the wallet keeps (ISO 4217). */
export const MINOR_UNITS: Readonly<Record<Currency, number>> = { USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, JPY: 0, CHF: 2 };

/**
 * Decimals for pricing. 40 significant digits hold any rate × seconds here exactly; a quotient
 * by 60 that does not terminate is at most 1e-38 off, which can never move a half-up rounding
 * to a cent (a tie is a terminating decimal, so it is always met exactly).
 */
export const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -50, toExpPos: 50 });
export type Exact = Decimal;

/** The most one funding, recharge or trigger may be: 1,000,000 in major units. */
export const MAX_AMOUNT_MAJOR = 1_000_000;

const AMOUNT = /^(-)?(\d{1,12})(?:\.(\d+))?$/;

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && (CURRENCIES as readonly string[]).includes(value);
}

/**
 * A decimal string in a currency's minor units, or undefined when it is not a decimal string
 * or has more decimals than the currency has (`"1.234"` USD, `"5.5"` JPY). Never rounds.
 */
export function parseAmount(amount: string, currency: Currency): Minor | undefined {
  const match = AMOUNT.exec(amount);
  if (!match) return undefined;
  const [, sign, whole, fraction = ''] = match;
  const places = MINOR_UNITS[currency];
  if (fraction.length > places) return undefined;
  const minor = BigInt(whole!) * 10n ** BigInt(places) + BigInt(fraction.padEnd(places, '0') || '0');
  return sign ? -minor : minor;
}

/** `1234n` USD → `"12.34"`; `-5n` → `"-0.05"`; JPY has no decimals. */
export function formatMinor(minor: Minor, currency: Currency): string {
  const places = MINOR_UNITS[currency];
  const sign = minor < 0n ? '-' : '';
  const digits = (minor < 0n ? -minor : minor).toString().padStart(places + 1, '0');
  if (places === 0) return sign + digits;
  return `${sign}${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

export function money(minor: Minor, currency: Currency): Money {
  return { amount: formatMinor(minor, currency), currency };
}

/** A Money of the ledger back into minor units (amounts the wallet wrote itself: always exact). */
export function minorOf(value: Money): Minor {
  const minor = parseAmount(value.amount, value.currency);
  if (minor === undefined) throw new RangeError(`${value.amount} is not an amount of ${value.currency}`);
  return minor;
}

/** Rounds an exact value half-up to the currency's minor unit, once. */
export function roundToMinor(value: Exact, currency: Currency): Minor {
  const scaled = value.times(new Exact(10).pow(MINOR_UNITS[currency])).toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
  return BigInt(scaled.toFixed(0));
}

export function maxAmountMinor(currency: Currency): Minor {
  return BigInt(MAX_AMOUNT_MAJOR) * 10n ** BigInt(MINOR_UNITS[currency]);
}

export const minOf = (a: Minor, b: Minor): Minor => (a < b ? a : b);
export const maxOf = (a: Minor, b: Minor): Minor => (a > b ? a : b);
export const sumOf = (values: Iterable<Minor>): Minor => [...values].reduce((sum, v) => sum + v, 0n);
