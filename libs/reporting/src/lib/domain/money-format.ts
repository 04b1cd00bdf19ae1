import Decimal from 'decimal.js';

const MINOR_DIGITS: Record<string, number> = { JPY: 0 };

/** Digits after the point of a currency's minor unit (2 unless the currency has none, e.g. JPY). */
export function minorDigitsOf(currency: string | null): number {
  return currency === null ? 2 : (MINOR_DIGITS[currency] ?? 2);
}

/**
 * An amount as the report writes it, in JSON and CSV alike: a plain decimal string with a `.`
 * point, no grouping, no currency sign, at least the currency's decimals and more only when
 * the figure has them (a connection fee of `0.0125` stays exact). Never a float: `0.1 + 0.2`
 * of two stored amounts is `0.30`.
 */
export function formatAmount(value: string | number | Decimal, currency: string | null): string {
  const decimal = new Decimal(value);
  const digits = minorDigitsOf(currency);
  const exact = decimal.toFixed();
  const places = exact.includes('.') ? exact.length - exact.indexOf('.') - 1 : 0;
  return decimal.toFixed(Math.max(digits, places));
}

/** Sums decimal strings exactly. */
export function sumAmounts(values: readonly string[]): Decimal {
  return values.reduce((total, v) => total.plus(v), new Decimal(0));
}
